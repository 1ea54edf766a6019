#include "HttpResponse.h"

#include <QJsonDocument>

HttpResponse HttpResponse::json(int status, const QJsonDocument& document)
{
    HttpResponse response;
    response.status = status;
    response.body = document.toJson(QJsonDocument::Compact);
    return response;
}
