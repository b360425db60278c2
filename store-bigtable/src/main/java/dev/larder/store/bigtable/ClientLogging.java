package dev.larder.store.bigtable;

import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Keeps the Bigtable client's routine messages out of the host's output. The client logs through
 * java.util.logging, at INFO for normal operation ("Connecting to the Bigtable emulator at …" on
 * every client creation), which a CLI would print to stderr. Its loggers under
 * {@value #CLIENT_LOGGERS} get level WARNING unless the host configured a level for them (in its
 * logging.properties, or through a bridge such as SLF4J's that sets JUL levels); warnings and errors
 * still pass. Larder's store itself logs nothing.
 */
final class ClientLogging {
    static final String CLIENT_LOGGERS = "com.google.cloud.bigtable";
    /** Held so that the level set here is not lost when java.util.logging drops an unreferenced logger. */
    private static final Logger QUIETED = quietUnlessConfigured(CLIENT_LOGGERS);

    private ClientLogging() {
    }

    /** Applies the default once per JVM (the first store created). */
    static void apply() {
        // QUIETED is set by class initialization; nothing else to do.
        assert QUIETED != null;
    }

    /** Sets WARNING on the logger unless the host gave it (or it was given) a level. */
    static Logger quietUnlessConfigured(String name) {
        Logger logger = Logger.getLogger(name);
        if (logger.getLevel() == null && LogManager.getLogManager().getProperty(name + ".level") == null) {
            logger.setLevel(Level.WARNING);
        }
        return logger;
    }
}
