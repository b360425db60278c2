package dev.larder.benchmarks.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProfileSummaryTest {

    @Test
    void chargesEachSampleToTheDeepestFrameOfAKnownPackage() {
        List<String> collapsed = List.of(
                // Larder's decoding called back on a Netty thread: Larder, not the SDK.
                "java/lang/Thread.run;io/netty/channel/nio/NioEventLoop.run;software/amazon/awssdk/core/Handler.handle;"
                        + "dev/larder/store/dynamodb/FeastItems.row;dev/larder/spi/codec/ValueCodec.decode;java/util/HashMap.put 30",
                // The SDK's JSON parsing under Larder's read call: the SDK.
                "dev/larder/store/dynamodb/DynamoDBOnlineStore.read;software/amazon/awssdk/protocols/json/Unmarshaller.unmarshall;"
                        + "com/fasterxml/jackson/core/json/UTF8StreamJsonParser.nextToken 20",
                "java/lang/Thread.run;com/almworks/sqlite4java/SQLiteQueue.runQueue;com/almworks/sqlite4java/SQLiteStatement.step;sqlite3VdbeExec 40",
                "thread_native_entry;CompileBroker::compiler_thread_loop;C2Compiler::compile_method 10");

        String summary = ProfileSummary.summarize(collapsed, 1_000_000, 0.05);

        assertThat(summary).contains("CPU samples: 100 (0.10 CPU-seconds over 0.1 measured seconds: 2.00 cores busy on average)");
        assertThat(summary).contains(" 40.0%  server: DynamoDB Local", " 30.0%  Larder", " 20.0%  client: AWS SDK", " 10.0%  JIT compiler");
        assertThat(summary).contains(" 40.0%  on DynamoDB Local's single SQLiteQueue thread");
    }

    @Test
    void namesANativeLibraryWithoutSymbolsByItsFileWithoutTheRandomPart() {
        assertThat(ProfileSummary.leafName("/tmp/sqlite-3.50.3.0-6111c219-ef41-46ad-b549-6b4914ac567c-libsqlitejdbc.so"))
                .isEqualTo("sqlite-3.50.3.0-libsqlitejdbc.so (native, no symbols)");
        assertThat(ProfileSummary.leafName("java/util/HashMap.getNode")).isEqualTo("java/util/HashMap.getNode");
    }
}
