package dev.pooler.sharing.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pooler.api.InvalidConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SharingLimitsTest {

    static SharingLimits of(double share, long limitS, double rt, long minLoanS, long windowS, int moves) {
        return new SharingLimits(share, Duration.ofSeconds(limitS), rt, true, Duration.ofSeconds(minLoanS),
                Duration.ofSeconds(windowS), moves);
    }

    static void refused(String field, Runnable r) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, r::run);
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void theSeedsDefaults() {
        assertEquals(0.3, SharingLimits.DEFAULTS.maxSharedPercentage());
        assertEquals(Duration.ofSeconds(300), SharingLimits.DEFAULTS.sharingDurationLimit());
        assertEquals(0.4, SharingLimits.DEFAULTS.returnThreshold());
        assertEquals(true, SharingLimits.DEFAULTS.compatibilityCheck());
        assertEquals(1, SharingLimits.DEFAULTS.maxLent(4));
        assertEquals(2, SharingLimits.DEFAULTS.maxLent(8));
        assertEquals(3, SharingLimits.DEFAULTS.maxLent(10));
    }

    @Test
    void aBadValueIsRefusedNamingItsField() {
        refused("max_shared_percentage", () -> of(1.5, 300, 0.4, 10, 30, 2));
        refused("max_shared_percentage", () -> of(-0.1, 300, 0.4, 10, 30, 2));
        refused("max_shared_percentage", () -> of(Double.NaN, 300, 0.4, 10, 30, 2));
        refused("sharing_duration_limit", () -> of(0.3, 0, 0.4, 0, 30, 2));
        refused("return_threshold", () -> of(0.3, 300, 0, 10, 30, 2));
        refused("return_threshold", () -> of(0.3, 300, 1.2, 10, 30, 2));
        refused("minimum_loan", () -> of(0.3, 300, 0.4, -1, 30, 2));
        refused("minimum_loan", () -> of(0.3, 60, 0.4, 61, 30, 2));
        refused("return_window", () -> of(0.3, 300, 0.4, 10, -5, 2));
        refused("max_moves_per_round", () -> of(0.3, 300, 0.4, 10, 30, 0));
    }
}
