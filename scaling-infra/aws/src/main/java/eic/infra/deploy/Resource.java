package eic.infra.deploy;

/**
 * One AWS resource that deploy converges and destroy removes. Each finds its object by
 * the stack's names and tag, so every step is idempotent and can be re-run after a failure.
 */
interface Resource {
    /** E.g. {@code auto scaling group eic-workers}. */
    String describe();

    /** What deploy would do; reads only. */
    Change plan();

    /** Carries out a change that {@link #plan()} returned. */
    void apply(Change change);

    /** Deletes it if it exists; returns what was deleted, or null when there was nothing. */
    String destroy();

    /** One line for {@code status}: exists or not, and the state that matters. */
    String status();
}
