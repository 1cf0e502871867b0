package eic.infra.stack;

import java.util.List;
import java.util.Map;

/** CloudFormation's intrinsic functions and pseudo parameters, as the values Jackson writes. */
public final class Fn {
    public static final Map<String, Object> STACK_NAME = ref("AWS::StackName");
    public static final Map<String, Object> ACCOUNT_ID = ref("AWS::AccountId");
    public static final Map<String, Object> REGION = ref("AWS::Region");

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

    public static Map<String, Object> base64(Object value) {
        return Map.of("Fn::Base64", value);
    }
}
