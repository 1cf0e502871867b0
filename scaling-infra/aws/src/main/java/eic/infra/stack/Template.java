package eic.infra.stack;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import eic.common.messaging.Messages;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CloudFormation template as typed values, written to JSON by Jackson: never a string
 * template. Resources keep the order they were added in.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"AWSTemplateFormatVersion", "Description", "Parameters", "Rules", "Conditions", "Resources",
        "Outputs"})
public record Template(@JsonProperty("AWSTemplateFormatVersion") String version,
                       @JsonProperty("Description") String description,
                       @JsonProperty("Parameters") Map<String, Parameter> parameters,
                       @JsonProperty("Rules") Map<String, Object> rules,
                       @JsonProperty("Conditions") Map<String, Object> conditions,
                       @JsonProperty("Resources") Map<String, Resource> resources,
                       @JsonProperty("Outputs") Map<String, Output> outputs) {

    public static Template of(String description) {
        return new Template("2010-09-09", description, new LinkedHashMap<>(), new LinkedHashMap<>(),
                new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    /** A stack parameter: what the operator chooses at deploy time. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"Type", "Default", "AllowedValues", "Description"})
    public record Parameter(@JsonProperty("Type") String type, @JsonProperty("Default") String defaultValue,
                            @JsonProperty("Description") String description,
                            @JsonProperty("AllowedValues") List<String> allowedValues) {
        public Parameter(String type, String defaultValue, String description) {
            this(type, defaultValue, description, null);
        }

        /** The same parameter, refusing anything but {@code values}. */
        public Parameter allowing(List<String> values) {
            return new Parameter(type, defaultValue, description, List.copyOf(values));
        }
    }

    /**
     * One resource. Data the stack must never delete (buckets, queues) carries
     * {@code DeletionPolicy} and {@code UpdateReplacePolicy} {@code Retain}.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonPropertyOrder({"Type", "Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy", "CreationPolicy",
            "UpdatePolicy", "Properties"})
    public record Resource(@JsonProperty("Type") String type, @JsonProperty("Properties") Map<String, Object> properties,
                           @JsonProperty("Condition") String condition,
                           @JsonProperty("DependsOn") List<String> dependsOn,
                           @JsonProperty("DeletionPolicy") String deletionPolicy,
                           @JsonProperty("UpdateReplacePolicy") String updateReplacePolicy,
                           @JsonProperty("CreationPolicy") Map<String, Object> creationPolicy,
                           @JsonProperty("UpdatePolicy") Map<String, Object> updatePolicy) {

        public static Resource of(String type, Map<String, Object> properties) {
            return new Resource(type, properties, null, List.of(), null, null, Map.of(), Map.of());
        }

        /** Kept when the stack is deleted or the resource replaced: the data outlives the stack. */
        public Resource retained() {
            return new Resource(type, properties, condition, dependsOn, "Retain", "Retain", creationPolicy,
                    updatePolicy);
        }

        /** Created (and so the stack) only once {@code count} instances signal that they work, within {@code timeout}. */
        public Resource awaitingSignals(int count, java.time.Duration timeout) {
            return new Resource(type, properties, condition, dependsOn, deletionPolicy, updateReplacePolicy,
                    Map.of("ResourceSignal", WorkerStack.props("Count", count, "Timeout", timeout.toString())),
                    updatePolicy);
        }

        public Resource withUpdatePolicy(Map<String, Object> policy) {
            return new Resource(type, properties, condition, dependsOn, deletionPolicy, updateReplacePolicy,
                    creationPolicy, policy);
        }

        /** Created only where the named condition holds. */
        public Resource when(String conditionName) {
            return new Resource(type, properties, conditionName, dependsOn, deletionPolicy, updateReplacePolicy,
                    creationPolicy, updatePolicy);
        }
    }

    @JsonPropertyOrder({"Description", "Value"})
    public record Output(@JsonProperty("Description") String description, @JsonProperty("Value") Object value) {
    }

    public Template parameter(String name, Parameter parameter) {
        parameters.put(name, parameter);
        return this;
    }

    /**
     * A rule CloudFormation checks on the parameters before it creates or changes anything:
     * where {@code when} holds (always, if null), {@code assertion} must, else the stack
     * operation fails with {@code description}.
     */
    public Template rule(String name, Object when, Object assertion, String description) {
        Map<String, Object> rule = new LinkedHashMap<>();
        if (when != null) {
            rule.put("RuleCondition", when);
        }
        Map<String, Object> assert1 = new LinkedHashMap<>();
        assert1.put("Assert", assertion);
        assert1.put("AssertDescription", description);
        rule.put("Assertions", List.of(assert1));
        rules.put(name, rule);
        return this;
    }

    public Template condition(String name, Object expression) {
        conditions.put(name, expression);
        return this;
    }

    public Template resource(String logicalId, Resource resource) {
        if (resources.putIfAbsent(logicalId, resource) != null) {
            throw new IllegalArgumentException("two resources named " + logicalId);
        }
        return this;
    }

    public Template output(String name, String description, Object value) {
        outputs.put(name, new Output(description, value));
        return this;
    }

    public String toJson() {
        try {
            return Messages.json().writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the template", e);
        }
    }
}
