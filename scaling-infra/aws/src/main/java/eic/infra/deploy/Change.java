package eic.infra.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import eic.common.messaging.Messages;
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

    /** Same JSON document, whatever the spacing and key order IAM or CloudWatch hand back. */
    public static boolean sameJson(String actual, String wanted) {
        return json(actual).equals(json(wanted));
    }

    static JsonNode json(String document) {
        try {
            return Messages.json().readTree(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not a JSON document: " + e.getMessage(), e);
        }
    }

    /** "field: was -> wanted", when they differ. */
    public static void compare(List<String> into, String field, Object actual, Object wanted) {
        if (!java.util.Objects.equals(actual, wanted)) {
            into.add(field + ": " + actual + " -> " + wanted);
        }
    }
}
