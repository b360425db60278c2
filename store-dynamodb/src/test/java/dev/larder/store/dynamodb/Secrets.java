package dev.larder.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

/** A secret full of separators, and the check that nothing of it shows. */
final class Secrets {
    /** Every part between the separators , = @ ' : is distinctive, so a fragment of it is found wherever it leaks. */
    static final String SECRET = "Zq7hunter,Xk2=Wm9@Vb4'Jt6:Rp5";

    private Secrets() {
    }

    /** None of the texts holds the secret or any of its parts between separators. */
    static void assertNothingOf(String secret, String... texts) {
        for (String text : texts) {
            if (text == null) continue;
            assertThat(text).as("shows the secret").doesNotContain(secret);
            for (String part : secret.split("[,=@':]")) {
                if (part.length() >= 3) assertThat(text).as("shows the part '%s' of the secret", part).doesNotContain(part);
            }
        }
    }

    /** The message, toString and stack text of a failure and all its causes and suppressed ones. */
    static String describe(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
