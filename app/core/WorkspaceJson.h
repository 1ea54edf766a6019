#pragma once

#include "FieldError.h"
#include "WorkspaceSettings.h"

#include <QJsonObject>

// The JSON shape of the workspace settings, shared by keydeckctl --json and the REST API.
class WorkspaceJson final
{
public:
    static QJsonObject toJson(const WorkspaceSettings& settings);
    // Members not present keep the value from base; unknown members and wrong types are
    // errors naming the member. Whether a prefix is acceptable is the store's to say.
    static WorkspaceSettings fromJson(const QJsonObject& object, const WorkspaceSettings& base,
                                      FieldErrors* errors);
};
