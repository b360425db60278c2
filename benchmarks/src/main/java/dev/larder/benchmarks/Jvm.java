package dev.larder.benchmarks;

/** JVM options of the forked benchmark JVMs, as constants for {@code @Fork(jvmArgsAppend = ...)}. */
final class Jvm {
    /**
     * DynamoDB Local leaves a non-daemon thread running after {@code stop()} (its shard-rollover
     * job), which would keep every fork alive for JMH's default 30 s shutdown timeout. Results and
     * teardown are done by then, so let JMH end the fork after 1 s.
     */
    static final String QUICK_EXIT = "-Djmh.shutdownTimeout=1";
    static final String QUICK_EXIT_STEP = "-Djmh.shutdownTimeout.step=1";

    private Jvm() {
    }
}
