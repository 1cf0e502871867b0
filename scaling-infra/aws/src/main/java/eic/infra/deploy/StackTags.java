package eic.infra.deploy;

/**
 * The ownership check for resources found by name: a namesake that does not carry this
 * stack's {@code eic:stack} tag belongs to someone else, and deploy and destroy refuse to
 * adopt, change or delete it.
 */
final class StackTags {
    private StackTags() {
    }

    static <T> T owned(DeploySpec spec, String what, T resource, boolean tagged) {
        if (!tagged) {
            throw new IllegalStateException(what + " exists but is not tagged " + DeploySpec.STACK_TAG + "="
                    + spec.prefix() + ": it is not this stack's, so it is neither changed nor deleted. "
                    + "Choose another EIC_NAME_PREFIX or remove it yourself.");
        }
        return resource;
    }
}
