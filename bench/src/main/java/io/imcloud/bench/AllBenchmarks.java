package io.imcloud.bench;

/**
 * Every benchmark, one after another, each printing its figures and ratios to the limit it measures
 * in the same run: {@code mvn -B -Pbench test-compile exec:java} (the default main class). Each one's
 * own system properties apply (see its Javadoc); the database servers named by
 * {@code IMCLOUD_TEST_POSTGRES_URL} / {@code IMCLOUD_TEST_MARIADB_URL} are included where a benchmark
 * takes several. {@link EmbeddedArchiveBenchmark} runs here with a smaller archive than on its own, 150,000 messages
 * ({@code -Dbench.embedded.messages=...}), in its blocks of {@code bench.block}.
 */
public final class AllBenchmarks {

    private AllBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        section("REST registration (issue 2)");
        RegistrationBenchmark.main(args);
        section("Interceptor path (issue 3)");
        InterceptorBenchmark.main(args);
        section("Archive writer and history (issues 3, 4)");
        ArchiveBenchmark.main(args);
        section("Archive writer at a steady moderate rate: CPU per message and loss window by linger");
        WriterPaceBenchmark.main(args);
        section("Conversation list and unread (issue 4)");
        UnreadBenchmark.main(args);
        section("Archive on the embedded database, CACHED against MEMORY tables, as it grows");
        EmbeddedArchiveBenchmark.run(Integer.getInteger("bench.embedded.messages", 150_000), Integer.getInteger("bench.block", 50_000));
        section("Groups: archive writer and one message to a large group (issue 12)");
        GroupBenchmark.main(args);
        section("Chat files (issue 10)");
        AttachmentBenchmark.main(args);
        section("Offline-message callbacks (issue 11)");
        CallbackBenchmark.main(args);
    }

    private static void section(String name) {
        System.out.println();
        System.out.println("=== " + name + " ===");
    }
}
