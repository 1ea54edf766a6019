// The stream pieces the gateway relays and meters: events cut apart however the bytes came,
// and the usage each dialect reports in them.
#include "SseBuffer.h"
#include "UpstreamUsage.h"

#include <QTest>

class TestSseEvents final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventsAreWholeHoweverTheBytesAreSplit()
    {
        const QByteArray stream = "event: message_start\ndata: {\"a\":1}\n\n"
                                  ": a comment\r\ndata: {\"b\":\r\ndata: 2}\r\n\r\n"
                                  "data: [DONE]\n\n";
        for (qsizetype piece = 1; piece <= stream.size(); ++piece) {
            SseBuffer buffer;
            QList<SseBuffer::Event> events;
            for (qsizetype at = 0; at < stream.size(); at += piece)
                events << buffer.feed(stream.mid(at, piece));
            QCOMPARE(events.size(), 3);
            QCOMPARE(events.at(0).name, QByteArray("message_start"));
            QCOMPARE(events.at(0).data, QByteArray("{\"a\":1}"));
            QCOMPARE(events.at(1).data, QByteArray("{\"b\":\n2}"));
            QCOMPARE(events.at(2).data, QByteArray("[DONE]"));
            // Relayed as they came.
            QCOMPARE(events.at(0).raw + events.at(1).raw + events.at(2).raw, stream);
            QVERIFY(buffer.rest().isEmpty());
        }
    }

    void anEventWithoutEndOverflows()
    {
        SseBuffer buffer;
        const QByteArray piece(64 * 1024, 'x');
        for (qsizetype sent = 0; sent <= SseBuffer::MaxEventBytes; sent += piece.size())
            QVERIFY(buffer.feed(piece).isEmpty());
        QVERIFY(buffer.overflowed());
    }

    void openAiUsageComesInItsOwnChunk()
    {
        UpstreamUsage usage(UpstreamUsage::Dialect::OpenAi);
        QVERIFY(!usage.readEvent({}, R"({"choices":[{"delta":{"content":"Hi"}}],"usage":null})"));
        QVERIFY(!usage.known());
        QVERIFY(usage.readEvent(
            {}, R"({"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}})"));
        QVERIFY(!usage.readEvent({}, "[DONE]"));
        QVERIFY(usage.known());
        QCOMPARE(usage.promptTokens(), 12);
        QCOMPARE(usage.completionTokens(), 3);
        QCOMPARE(usage.contentPieces(), 1);
    }

    void anthropicOutputIsTheLastDeltasCount()
    {
        UpstreamUsage usage(UpstreamUsage::Dialect::Anthropic);
        usage.readEvent("message_start",
                        R"({"type":"message_start","message":{"usage":{"input_tokens":20,)"
                        R"("cache_read_input_tokens":5,"output_tokens":1}}})");
        // Known from the start: the prompt, even if the stream is cut before its end.
        QCOMPARE(usage.promptTokens(), 25);
        QVERIFY(!usage.known());
        usage.readEvent("content_block_delta", R"({"type":"content_block_delta"})");
        usage.readEvent("message_delta", R"({"type":"message_delta","usage":{"output_tokens":7}})");
        usage.readEvent("message_delta",
                        R"({"type":"message_delta","usage":{"output_tokens":15}})");
        QVERIFY(usage.known());
        // Cumulative: the last count, not the sum.
        QCOMPARE(usage.completionTokens(), 15);
        QCOMPARE(usage.contentPieces(), 1);
    }

    void aBodysUsageInEitherDialect()
    {
        UpstreamUsage openAi(UpstreamUsage::Dialect::OpenAi);
        openAi.readBody(R"({"usage":{"prompt_tokens":9,"completion_tokens":4}})");
        QCOMPARE(openAi.promptTokens() + openAi.completionTokens(), 13);
        UpstreamUsage anthropic(UpstreamUsage::Dialect::Anthropic);
        anthropic.readBody(R"({"usage":{"input_tokens":9,"output_tokens":4}})");
        QCOMPARE(anthropic.promptTokens() + anthropic.completionTokens(), 13);
        UpstreamUsage none(UpstreamUsage::Dialect::OpenAi);
        none.readBody("not json");
        QVERIFY(!none.known());
    }
};

QTEST_GUILESS_MAIN(TestSseEvents)
#include "tst_sseevents.moc"
