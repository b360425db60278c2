package dev.larder.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the user ran Larder, so that next-step hints print a command that works from where the
 * user is: the {@code larder} script exports {@code LARDER_CMD} (as typed: {@code ./larder},
 * {@code ../larder}, {@code larder} when on the PATH); run as a jar, {@code java -jar <jar>}.
 */
final class Invocation {
    private Invocation() {
    }

    static String command() {
        String cmd = System.getenv("LARDER_CMD");
        if (cmd != null && !cmd.isBlank()) return cmd;
        try {
            Path jar = Path.of(Invocation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar)) {
                Path rel = Path.of("").toAbsolutePath().relativize(jar.toAbsolutePath());
                return "java -jar " + (rel.toString().length() < jar.toString().length() ? rel : jar);
            }
        } catch (Exception ignored) {
            // not from a jar (tests, IDE): the plain name
        }
        return "larder";
    }

    /** {@code <command> --repo <repo> <args>}, the repo as the user gave it. */
    static String withRepo(String repo, String args) {
        return command() + " --repo " + repo + " " + args;
    }
}
