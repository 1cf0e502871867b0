package eic.infra.deploy;

import java.util.List;

/** What deploy would do to one resource, and why, in words for the plan. */
public record Change(Kind kind, List<String> details) {
    public enum Kind { CREATE, UPDATE, KEEP }

    public static Change create(String... details) {
        return new Change(Kind.CREATE, List.of(details));
    }

    public static Change update(List<String> differences) {
        return new Change(Kind.UPDATE, List.copyOf(differences));
    }

    public static Change keep() {
        return new Change(Kind.KEEP, List.of());
    }

    /** Keep when nothing differs, else update listing what. */
    public static Change of(List<String> differences) {
        return differences.isEmpty() ? keep() : update(differences);
    }

    /** "field: was -> wanted", when they differ. */
    public static void compare(List<String> into, String field, Object actual, Object wanted) {
        if (!java.util.Objects.equals(actual, wanted)) {
            into.add(field + ": " + actual + " -> " + wanted);
        }
    }
}
