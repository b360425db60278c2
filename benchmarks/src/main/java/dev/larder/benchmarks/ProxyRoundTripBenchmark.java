package dev.larder.benchmarks;

import dev.larder.testing.net.DelayProxy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Checks the delay proxy the DynamoDB benchmark relies on: one 64-byte ping-pong with a loopback
 * echo server, directly and through {@link DelayProxy} at 0 and 10 ms. The 10 ms row should read
 * 10 ms plus the 0 ms row; the report prints the difference.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
public class ProxyRoundTripBenchmark {

    /** -1 connects to the echo server directly. */
    @Param({"-1", "0", "10"})
    public int addedRoundTripMs;

    private ServerSocket echo;
    private DelayProxy proxy;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] ping = new byte[64];
    private final byte[] pong = new byte[64];

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        echo = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::echoLoop, "echo");
        t.setDaemon(true);
        t.start();
        int port = echo.getLocalPort();
        if (addedRoundTripMs >= 0) {
            proxy = DelayProxy.start(port, Duration.ofMillis(addedRoundTripMs));
            port = proxy.port();
        }
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    private void echoLoop() {
        try (Socket s = echo.accept()) {
            s.setTcpNoDelay(true);
            InputStream i = s.getInputStream();
            OutputStream o = s.getOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = i.read(buf)) >= 0) {
                o.write(buf, 0, n);
                o.flush();
            }
        } catch (IOException ignored) {
            // closed at teardown
        }
    }

    @Benchmark
    public int pingPong() throws IOException {
        out.write(ping);
        out.flush();
        int read = 0;
        while (read < pong.length) {
            int n = in.read(pong, read, pong.length - read);
            if (n < 0) throw new IOException("echo closed");
            read += n;
        }
        return read;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        socket.close();
        if (proxy != null) proxy.close();
        echo.close();
    }
}
