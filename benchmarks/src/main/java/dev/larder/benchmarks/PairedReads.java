package dev.larder.benchmarks;

import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs Larder's read and its raw-client control back to back inside one JMH operation, alternating
 * which goes first, and times each: both see the same moment of this shared machine, so the ratio
 * of their summed times is free of the drift between forks and iterations.
 */
final class PairedReads {
    /** One reader's read; its result goes to the Blackhole. */
    @FunctionalInterface
    interface Read {
        Object run() throws Exception;
    }

    private boolean larderFirst;

    /** Runs both reads once; returns {@code {larder nanoseconds, raw nanoseconds}}. */
    long[] pair(Blackhole bh, Read larder, Read raw) throws Exception {
        larderFirst = !larderFirst;
        Read first = larderFirst ? larder : raw;
        Read second = larderFirst ? raw : larder;
        long t0 = System.nanoTime();
        bh.consume(first.run());
        long t1 = System.nanoTime();
        bh.consume(second.run());
        long t2 = System.nanoTime();
        return larderFirst ? new long[] {t1 - t0, t2 - t1} : new long[] {t2 - t1, t1 - t0};
    }
}
