package dev.larder.store.cassandra;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A password holding every separator a parser might split on ({@code , = @ ' :}), and checks that
 * no piece of it shows in an exception (message and causes), in what was printed meanwhile (the
 * driver's log lines) or in a text such as a toString.
 */
final class SecretText {
    static final String PASSWORD = "pwAlpha,pwBravo=pwCharlie@pwDelta'pwEcho:pwFoxtrot";
    static final List<String> PIECES = List.of("pwAlpha", "pwBravo", "pwCharlie", "pwDelta", "pwEcho", "pwFoxtrot");

    private SecretText() {
    }

    record Captured<T>(T result, String output) {
    }

    /** Runs the action with System.out and System.err captured (and still printed). */
    static <T> Captured<T> capturingStandardStreams(Supplier<T> action) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            System.setOut(new PrintStream(new Tee(out, capture), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new Tee(err, capture), true, StandardCharsets.UTF_8));
            T result = action.get();
            return new Captured<>(result, buffer.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** No piece of the password in the texts, nor in any message or toString along the exception's causes. */
    static void assertNoSecret(Throwable error, String... texts) {
        List<String> all = new ArrayList<>(List.of(texts));
        for (Throwable t = error; t != null; t = t.getCause()) {
            all.add(String.valueOf(t.getMessage()));
            all.add(t.toString());
            for (Throwable s : t.getSuppressed()) all.add(String.valueOf(s));
        }
        for (String text : all) {
            for (String piece : PIECES) {
                assertThat(text).as("no piece of the password").doesNotContain(piece);
            }
        }
    }

    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        Tee(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws java.io.IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
