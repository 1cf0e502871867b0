package eic.infra.scaling;

import java.time.Instant;

/** Decides a fleet's desired size once per period from what the queue and the fleet show. */
public interface CapacityDecider {

    /**
     * @param visible   messages waiting (q)
     * @param inFlight  messages received by workers and not yet deleted
     * @param inService workers ready to take work (i)
     * @param desired   the current desired count
     */
    Decision decide(Instant now, int visible, int inFlight, int inService, int desired);

    String name();

    record Decision(int desired, String action) {
    }

    /** The original step policy: it sees q and i only. */
    static CapacityDecider steps(ScalingPolicy policy) {
        ScalingEngine engine = new ScalingEngine(policy);
        return new CapacityDecider() {
            @Override
            public Decision decide(Instant now, int visible, int inFlight, int inService, int desired) {
                ScalingEngine.Decision d = engine.evaluate(now, visible, inService, desired);
                return new Decision(d.toDesired(), d.action());
            }

            @Override
            public String name() {
                return "original step scaling on q - i";
            }
        };
    }
}
