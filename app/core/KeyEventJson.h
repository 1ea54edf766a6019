#pragma once

#include "KeyEvent.h"

#include <QJsonArray>
#include <QJsonObject>
#include <optional>

// A key's history as JSON, the same for the admin API and the store that reads it back.
class KeyEventJson final
{
public:
    static QJsonObject toJson(const KeyEvent& event);
    static QJsonArray toJson(const QList<KeyEvent>& events);
    // nullopt with *error naming the member that is wrong.
    static std::optional<KeyEvent> fromJson(const QJsonObject& object, QString* error);
};
