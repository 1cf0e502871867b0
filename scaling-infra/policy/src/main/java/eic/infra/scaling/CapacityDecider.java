package eic.infra.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides a fleet's desired size once per period from what the queue and the fleet show.
 * The three policies the project compares implement it: step scaling on q - i
 * ({@link #steps}), the idle-stop policy ({@link IdleStopPolicy}) and the
 * {@link BacklogPolicy}.
 */
public interface CapacityDecider {

    /**
     * What one period shows.
     *
     * @param visible   messages waiting (q)
     * @param inFlight  messages received by workers and not yet deleted
     * @param inService workers ready to take work (i)
     * @param desired   the current desired count: workers in service and those on their way
     * @param warming   of those, the ones not yet counted as capacity (booting or starting, or in service
     *                  for less than the group's instance warm-up)
     * @param stopped   workers stopped but kept (a warm pool, or the idle-stop policy's stopped workers)
     */
    record Observation(int visible, int inFlight, int inService, int desired, int warming, int stopped) {
    }

    /**
     * @param desired          the new desired count (stopped workers are started before new ones launch)
     * @param action           what was decided, for the timeline
     * @param terminateStopped end the stopped workers that this decision does not start (the idle-stop policy's reaper)
     */
    record Decision(int desired, String action, boolean terminateStopped) {
        public Decision(int desired, String action) {
            this(desired, action, false);
        }
    }

    Decision decide(Instant now, Observation observation);

    /** Shorthand for a fleet without stopped workers. */
    default Decision decide(Instant now, int visible, int inFlight, int inService, int desired) {
        return decide(now, new Observation(visible, inFlight, inService, desired, Math.max(0, desired - inService), 0));
    }

    String name();

    /** The size the fleet returns to when there is no work. */
    int min();

    /** Workers stop themselves after this long idle, when the policy has them do so (the idle-stop policy). */
    default Optional<Duration> workerIdleStop() {
        return Optional.empty();
    }

    /** The step policy on q - i: it sees q and i only. */
    static CapacityDecider steps(ScalingPolicy policy) {
        ScalingEngine engine = new ScalingEngine(policy);
        return new CapacityDecider() {
            @Override
            public Decision decide(Instant now, Observation o) {
                ScalingEngine.Decision d = engine.evaluate(now, ScalingPolicy.metric(o.visible(), o.inService()),
                        o.desired(), o.warming());
                return new Decision(d.toDesired(), d.action());
            }

            @Override
            public String name() {
                return "step scaling on q - i";
            }

            @Override
            public int min() {
                return policy.min();
            }
        };
    }
}
