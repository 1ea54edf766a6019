#pragma once

#include "AlertRule.h"
#include "ApiKeyRecord.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

// Adds or edits one alert rule: its kind, a threshold in the kind's unit ($, % or days) and the
// key it watches (or all keys). OK ("saveRuleButton") stays disabled while the threshold is not
// valid, and the reason shows under the field.
class AlertRuleDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertRuleDialog)

public:
    // keys: offered in the key list (revoked keys only when the rule already watches one).
    explicit AlertRuleDialog(const QList<ApiKeyRecord>& keys, QWidget* parent = nullptr);

    void setRule(const AlertRule& rule);
    // The rule as entered; meaningful while isValid().
    AlertRule rule() const;
    bool isValid() const { return m_valid; }
    QPushButton* acceptButton() const { return m_acceptButton; }

private:
    enum class Unit
    {
        Usd,
        Percent,
        Days
    };
    static Unit unitOf(AlertRule::Kind kind);
    static QString defaultThreshold(AlertRule::Kind kind);
    static QString thresholdText(const AlertRule& rule);

    AlertRule::Kind currentKind() const;
    void populateKeys(const QString& selectedKeyId);
    void kindChanged();
    void validate();
    std::optional<qint64> parseThreshold(QString* error) const;

    QList<ApiKeyRecord> m_keys;
    AlertRule m_rule;
    QComboBox* m_kindCombo = nullptr;
    QLineEdit* m_thresholdEdit = nullptr;
    QLabel* m_prefixLabel = nullptr;
    QLabel* m_suffixLabel = nullptr;
    QLabel* m_errorLabel = nullptr;
    QLabel* m_summaryLabel = nullptr;
    QComboBox* m_keyCombo = nullptr;
    QPushButton* m_acceptButton = nullptr;
    bool m_valid = false;
};
