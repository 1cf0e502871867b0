package eic.common.aws;

/**
 * The workers' Auto Scaling lifecycle hooks, named once for the stack that declares them
 * and the worker that completes them.
 */
public final class LifecycleHooks {
    /** Launching: the worker completes it once its model is loaded, so it counts in service only then. */
    public static final String READY = "ready";
    /** Terminating: the worker stops receiving, finishes or releases what it holds, then completes it. */
    public static final String DRAIN = "drain";

    private LifecycleHooks() {
    }
}
