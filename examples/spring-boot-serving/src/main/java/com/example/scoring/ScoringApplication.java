package com.example.scoring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A model-serving service: Larder's starter provides the FeatureStore bean from larder.repo. */
@SpringBootApplication
public class ScoringApplication {
    public static void main(String[] args) {
        SpringApplication.run(ScoringApplication.class, args);
    }
}
