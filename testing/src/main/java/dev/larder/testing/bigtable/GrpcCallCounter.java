package dev.larder.testing.bigtable;

import dev.larder.testing.net.LoopbackForwarder;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

import static dev.larder.testing.net.LoopbackForwarder.closeQuietly;
import static dev.larder.testing.net.LoopbackForwarder.daemon;

/**
 * A loopback TCP forwarder in front of a plaintext gRPC server (the Bigtable emulator) that counts
 * the calls clients start: HTTP/2 streams the client opens, read from the frames it sends. Every
 * gRPC call, unary or streaming, is one client-opened stream whose first frame is HEADERS; flow
 * control, pings and settings are other frame types and are not counted, so the count is exact
 * where counting client turns (as {@code DelayProxy} does) is not.
 *
 * <p>Client to server, after the 24-byte connection preface, HTTP/2 is a sequence of frames: a
 * 9-byte header (24-bit payload length, 8-bit type, 8-bit flags, 31-bit stream id) and the payload.
 * A HEADERS frame (type 1) on a stream id above the highest seen on that connection opens a call.
 * Bytes are forwarded as they arrive; counting never delays or changes them.
 */
public final class GrpcCallCounter implements AutoCloseable {
    private static final int PREFACE_LENGTH = 24;
    private static final int FRAME_HEADER_LENGTH = 9;
    private static final int HEADERS = 0x1;

    private final AtomicLong calls = new AtomicLong();
    private LoopbackForwarder forwarder;

    private GrpcCallCounter() {
    }

    /** Starts a counter on a free loopback port forwarding to {@code 127.0.0.1:targetPort}. */
    public static GrpcCallCounter start(int targetPort) {
        GrpcCallCounter counter = new GrpcCallCounter();
        counter.forwarder = LoopbackForwarder.start("grpc-call-counter", targetPort, counter::link);
        return counter;
    }

    /** The loopback port clients connect to. */
    public int port() {
        return forwarder.port();
    }

    /** {@code 127.0.0.1:<port>}, e.g. the Bigtable store's {@code emulator_host}. */
    public String hostPort() {
        return "127.0.0.1:" + port();
    }

    /** gRPC calls (client-opened HTTP/2 streams) seen so far, over all connections. */
    public long calls() {
        return calls.get();
    }

    private void link(int connection, Socket client, Socket server) {
        daemon(forwarder.threadName(connection, "up"), () -> forward(client, server, new FrameCounter())).start();
        daemon(forwarder.threadName(connection, "down"), () -> forward(server, client, null)).start();
    }

    /** Copies one direction until either side closes; the client's direction goes through the frame counter. */
    private void forward(Socket from, Socket to, FrameCounter counter) {
        byte[] buf = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (counter != null) counter.accept(buf, n);
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Reads the frame headers of one connection's client-to-server bytes, chunk by chunk. */
    private final class FrameCounter {
        private long prefaceLeft = PREFACE_LENGTH;
        private final byte[] header = new byte[FRAME_HEADER_LENGTH];
        private int headerFilled;
        private long payloadLeft;
        private long highestStream;

        void accept(byte[] buf, int length) {
            int i = 0;
            while (i < length) {
                if (prefaceLeft > 0) {
                    int skip = (int) Math.min(prefaceLeft, length - i);
                    prefaceLeft -= skip;
                    i += skip;
                } else if (payloadLeft > 0) {
                    int skip = (int) Math.min(payloadLeft, length - i);
                    payloadLeft -= skip;
                    i += skip;
                } else {
                    header[headerFilled++] = buf[i++];
                    if (headerFilled == FRAME_HEADER_LENGTH) {
                        frame();
                        headerFilled = 0;
                    }
                }
            }
        }

        private void frame() {
            payloadLeft = ((header[0] & 0xffL) << 16) | ((header[1] & 0xffL) << 8) | (header[2] & 0xffL);
            int type = header[3] & 0xff;
            long stream = ((header[5] & 0x7fL) << 24) | ((header[6] & 0xffL) << 16) | ((header[7] & 0xffL) << 8) | (header[8] & 0xffL);
            if (type == HEADERS && stream > highestStream) {
                highestStream = stream;
                calls.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        forwarder.close();
    }

    @Override
    public String toString() {
        return "GrpcCallCounter{127.0.0.1:" + port() + " -> 127.0.0.1:" + forwarder.targetPort() + ", " + calls() + " calls}";
    }
}
