package dev.larder.spi;

import java.util.Objects;

/** A secret option value (a password, a key). Its {@code toString} never shows it. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value);
    }

    /** The secret itself: pass it to the client library, never to a log or a message. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret && ((Secret) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
