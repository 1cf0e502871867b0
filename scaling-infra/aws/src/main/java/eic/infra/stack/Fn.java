package eic.infra.stack;

import java.util.List;
import java.util.Map;

/** CloudFormation's intrinsic functions and pseudo parameters, as the values Jackson writes. */
public final class Fn {
    public static final Map<String, Object> STACK_NAME = ref("AWS::StackName");
    public static final Map<String, Object> ACCOUNT_ID = ref("AWS::AccountId");
    public static final Map<String, Object> REGION = ref("AWS::Region");
    /** As a property's value: the property is left out. */
    public static final Map<String, Object> NO_VALUE = ref("AWS::NoValue");

    private Fn() {
    }

    public static Map<String, Object> ref(String logicalId) {
        return Map.of("Ref", logicalId);
    }

    public static Map<String, Object> getAtt(String logicalId, String attribute) {
        return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
    }

    public static Map<String, Object> sub(String text) {
        return Map.of("Fn::Sub", text);
    }

    /** {@code Fn::Sub} with variables of its own, for values that are not a resource's attribute. */
    public static Map<String, Object> sub(String text, Map<String, Object> variables) {
        return Map.of("Fn::Sub", List.of(text, variables));
    }

    /**
     * A target group's full name ({@code targetgroup/<name>/<id>}, its metrics' dimension) from its
     * ARN, the sixth field; what {@code TargetGroupFullName} gives, for an engine without that attribute.
     */
    public static Map<String, Object> targetGroupFullName(String logicalId) {
        return Map.of("Fn::Select", List.of(5, Map.of("Fn::Split", List.of(":", ref(logicalId)))));
    }

    /** {@code Fn::If}: {@code then} where the named condition holds, else {@code otherwise}. */
    public static Map<String, Object> ifThen(String condition, Object then, Object otherwise) {
        return Map.of("Fn::If", List.of(condition, then, otherwise));
    }

    public static Map<String, Object> base64(Object value) {
        return Map.of("Fn::Base64", value);
    }
}
