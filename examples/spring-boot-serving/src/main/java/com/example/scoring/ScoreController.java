package com.example.scoring;

import dev.larder.LarderException;
import dev.larder.RequestTimeoutException;
import dev.larder.StoreBusyException;
import dev.larder.spi.OnlineStoreException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/** {@code POST /score {"driver_ids": [1001, 1002]}} → {@code {"scores": [{"driverId": 1001, "score": 0.61, "missing": {}}, ...]}}. */
@RestController
public class ScoreController {
    public record ScoreRequest(List<Long> driver_ids) {
    }

    private final DriverScorer scorer;

    public ScoreController(DriverScorer scorer) {
        this.scorer = scorer;
    }

    @PostMapping("/score")
    public Map<String, List<DriverScorer.Score>> score(@RequestBody ScoreRequest request) {
        if (request.driver_ids() == null || request.driver_ids().isEmpty()) {
            throw new LarderException("driver_ids: give at least one driver id, e.g. {\"driver_ids\": [1001]}");
        }
        return Map.of("scores", scorer.score(request.driver_ids()));
    }

    /**
     * The facade's errors: past the deadline 504, read bound full or the store failing 503 (retry later), any other
     * LarderException is the request's fault (it names what is wrong): 400.
     */
    @ExceptionHandler({LarderException.class, OnlineStoreException.class})
    public ResponseEntity<Map<String, String>> failure(RuntimeException e) {
        HttpStatus status = e instanceof RequestTimeoutException ? HttpStatus.GATEWAY_TIMEOUT
                : e instanceof StoreBusyException || e instanceof OnlineStoreException ? HttpStatus.SERVICE_UNAVAILABLE
                : HttpStatus.BAD_REQUEST;
        return ResponseEntity.status(status).body(Map.of("error", String.valueOf(e.getMessage())));
    }
}
