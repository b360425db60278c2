package dev.larder.spring;

import dev.larder.LarderException;
import dev.larder.spi.ConfigException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns a startup that failed on Larder's configuration (larder.repo, feature_store.yaml, the registry, the online
 * store) into Spring Boot's "APPLICATION FAILED TO START" report with Larder's own message, instead of a bean
 * creation stack trace.
 */
public class LarderFailureAnalyzer implements FailureAnalyzer {
    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LarderException || t instanceof ConfigException) {
                return new FailureAnalysis("Larder could not open the feature store: " + t.getMessage(),
                        "Check larder.repo (the folder holding feature_store.yaml), the feature_store.yaml it holds and that "
                                + "'larder apply' has recorded the definitions in its registry.", t);
            }
        }
        return null;
    }
}
