package eic.infra.fleet;

import java.time.Instant;
import java.util.List;

/**
 * What the fleet controller saw and did, served as JSON by the web tier at
 * {@code GET /api/v1/fleet} (it is written to {@link eic.common.messaging.ObjectKeys#FLEET_TIMELINE} in the output bucket).
 */
public record FleetTimeline(Instant updatedAt, String policy, int min, int max, long periodMs, Sample current,
                            List<Sample> samples) {

    /**
     * One period: q visible messages, in-flight (received, not deleted), i in service, desired,
     * parked workers (the warm pool, or the idle-stop policy's stopped ones), the action taken.
     */
    public record Sample(Instant time, int visible, int inFlight, int inService, int desired, int parked,
                         double metric, String action) {
    }
}
