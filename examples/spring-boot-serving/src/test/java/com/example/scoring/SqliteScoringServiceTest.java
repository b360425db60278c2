package com.example.scoring;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;

/** The service on a SQLite online store (a file in a new repository). */
class SqliteScoringServiceTest extends ScoringServiceContract {
    static final Path REPO = FeatureRepos.applied("{type: sqlite, path: data/online.db}");

    @DynamicPropertySource
    static void larderRepo(DynamicPropertyRegistry registry) {
        registry.add("larder.repo", REPO::toString);
    }

    @Override
    String storeType() {
        return "sqlite";
    }
}
