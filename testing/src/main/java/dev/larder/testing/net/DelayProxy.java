package dev.larder.testing.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static dev.larder.testing.net.LoopbackForwarder.closeQuietly;
import static dev.larder.testing.net.LoopbackForwarder.daemon;

/**
 * A TCP proxy on 127.0.0.1 that adds a fixed network round trip between a client and a server
 * (this machine's kernel has no {@code netem}, so {@code tc} cannot). Each direction of each
 * connection stamps every chunk it reads with {@code now + oneWay} and writes it on when due, in
 * order: a request and its response are each delayed by half the round trip, like a real link,
 * and pipelined traffic is not serialized (unlike sleeping per request). Bandwidth is not limited.
 *
 * <pre>{@code
 * try (DelayProxy proxy = DelayProxy.start(serverPort, Duration.ofMillis(10))) {
 *     connect to 127.0.0.1:proxy.port()   // every round trip now takes 10 ms longer
 * }
 * }</pre>
 */
public final class DelayProxy implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;
    private static final byte[] EOF = new byte[0];

    private final long oneWayNanos;
    private final AtomicLong requests = new AtomicLong();
    private LoopbackForwarder forwarder;

    private DelayProxy(Duration addedRoundTrip) {
        this.oneWayNanos = addedRoundTrip.toNanos() / 2;
    }

    /**
     * Starts a proxy on a free loopback port forwarding to {@code 127.0.0.1:targetPort}.
     *
     * @param addedRoundTrip the delay added to each round trip, split evenly between the two directions; zero forwards at once
     */
    public static DelayProxy start(int targetPort, Duration addedRoundTrip) {
        if (addedRoundTrip.isNegative()) {
            throw new IllegalArgumentException("The added round trip must not be negative: " + addedRoundTrip);
        }
        DelayProxy proxy = new DelayProxy(addedRoundTrip);
        proxy.forwarder = LoopbackForwarder.start("delay-proxy", targetPort, proxy::link);
        return proxy;
    }

    /** The loopback port clients connect to. */
    public int port() {
        return forwarder.port();
    }

    /** The round trip this proxy adds. */
    public Duration addedRoundTrip() {
        return Duration.ofNanos(oneWayNanos * 2);
    }

    /** Connections accepted so far. */
    public int connectionCount() {
        return forwarder.connectionCount();
    }

    /**
     * Requests seen so far, counted as client turns: on each connection, the first chunk the
     * client sends, and every chunk it sends after the proxy has delivered it a reply. A pipelined
     * batch of commands is one turn; a request per key is one turn per key. With a round trip
     * added, a client's back-to-back writes all arrive before any reply is delivered, so the
     * count is exact for request/response protocols (RESP, HTTP/1.1, CQL); HTTP/2 clients also
     * send flow-control frames after replies, so count gRPC requests another way.
     */
    public long requestCount() {
        return requests.get();
    }

    private void link(int connection, Socket client, Socket server) throws IOException {
        AtomicBoolean replied = new AtomicBoolean(true);
        pipe(forwarder.threadName(connection, "up"), client, server, replied, true);
        pipe(forwarder.threadName(connection, "down"), server, client, replied, false);
    }

    /** One direction: a reader stamps chunks, a writer releases them when due. */
    private void pipe(String name, Socket from, Socket to, AtomicBoolean replied, boolean up) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        daemon(name + "-read", () -> {
            byte[] buf = new byte[CHUNK];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (up && replied.getAndSet(false)) requests.incrementAndGet();
                    queue.add(new Chunk(System.nanoTime() + oneWayNanos, Arrays.copyOf(buf, n)));
                }
            } catch (IOException ignored) {
                // the connection was reset or the proxy closed
            }
            queue.add(new Chunk(System.nanoTime() + oneWayNanos, EOF));
        }).start();
        daemon(name + "-write", () -> {
            try {
                while (true) {
                    Chunk c = queue.take();
                    long wait;
                    while ((wait = c.due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (c.bytes == EOF) {
                        to.shutdownOutput(); // pass the half-close on
                        return;
                    }
                    // Mark the reply delivered before writing it: the client may answer it with its
                    // next request before this thread runs again, and that turn must be counted.
                    if (!up) replied.set(true);
                    out.write(c.bytes);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }).start();
    }

    private record Chunk(long due, byte[] bytes) {
    }

    @Override
    public void close() {
        forwarder.close();
    }

    @Override
    public String toString() {
        return "DelayProxy{127.0.0.1:" + port() + " -> 127.0.0.1:" + forwarder.targetPort() + ", +" + addedRoundTrip().toMillis() + " ms round trip}";
    }
}
