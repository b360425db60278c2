package dev.larder.testing.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part every test proxy shares: a listener on a free loopback port that, for each client it
 * accepts, connects to {@code 127.0.0.1:targetPort} and hands both sockets to a {@link Link}, which
 * moves the bytes (delaying them, counting them). Closing it closes the listener and every socket.
 */
public final class LoopbackForwarder implements AutoCloseable {
    /** Moves bytes between one accepted client and its server connection, on threads of its own. */
    @FunctionalInterface
    public interface Link {
        /**
         * @param connection 1 for the first connection accepted, then 2, …
         */
        void start(int connection, Socket client, Socket server) throws IOException;
    }

    private final String name;
    private final ServerSocket listener;
    private final int targetPort;
    private final Link link;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    private LoopbackForwarder(String name, ServerSocket listener, int targetPort, Link link) {
        this.name = name;
        this.listener = listener;
        this.targetPort = targetPort;
        this.link = link;
    }

    /**
     * Listens on a free loopback port and forwards each connection to {@code 127.0.0.1:targetPort}.
     *
     * @param name thread-name prefix, e.g. {@code delay-proxy}
     */
    public static LoopbackForwarder start(String name, int targetPort, Link link) {
        try {
            ServerSocket listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            LoopbackForwarder forwarder = new LoopbackForwarder(name, listener, targetPort, link);
            daemon(name + "-accept-" + listener.getLocalPort(), forwarder::acceptLoop).start();
            return forwarder;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open a loopback port for the " + name + " to " + targetPort, e);
        }
    }

    /** The loopback port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    public int targetPort() {
        return targetPort;
    }

    /** Connections accepted so far. */
    public int connectionCount() {
        return connections.get();
    }

    /** A thread name for one direction of one connection, e.g. {@code delay-proxy-4711-3-up}. */
    public String threadName(int connection, String direction) {
        return name + "-" + port() + "-" + connection + "-" + direction;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                for (Socket s : List.of(client, server)) s.setTcpNoDelay(true);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(server);
                }
                link.start(connections.incrementAndGet(), client, server);
            } catch (IOException e) {
                closeQuietly(client); // the target refused: the client sees a closed connection
            }
        }
    }

    /** A started-later daemon thread. */
    public static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        synchronized (sockets) {
            sockets.forEach(LoopbackForwarder::closeQuietly);
            sockets.clear();
        }
    }
}
