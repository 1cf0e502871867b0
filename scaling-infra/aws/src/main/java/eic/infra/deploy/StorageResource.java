package eic.infra.deploy;

import eic.infra.provision.StorageProvisioner;
import java.util.List;

/**
 * The buckets and queues, through the provisioning code the local stack uses too.
 * Destroy deletes the queues; the buckets (the images and the results) only when asked.
 */
final class StorageResource implements Resource {
    private final DeploySpec spec;
    private final StorageProvisioner provisioner;
    private boolean deleteBuckets;

    StorageResource(DeploySpec spec, DeployClients clients) {
        this.spec = spec;
        this.provisioner = new StorageProvisioner(clients.s3(), clients.sqs(), spec.hardenBuckets());
    }

    @Override
    public String describe() {
        return "buckets " + spec.names().inputBucket() + ", " + spec.names().outputBucket() + " and queues "
                + spec.names().requestQueue() + " (dead letters after " + spec.storage().maxReceiveCount()
                + " receives to " + spec.names().deadLetterQueue() + ")";
    }

    @Override
    public Change plan() {
        List<String> changes = provisioner.plan(spec.storage());
        if (changes.size() == 4 && changes.stream().allMatch(c -> c.endsWith(": create")
                || c.endsWith("(private, encrypted)"))) {
            return new Change(Change.Kind.CREATE, changes);
        }
        return Change.of(changes);
    }

    @Override
    public void apply(Change change) {
        provisioner.apply(spec.storage());
    }

    void deleteBuckets(boolean delete) {
        this.deleteBuckets = delete;
    }

    @Override
    public String destroy() {
        List<String> deleted = provisioner.delete(spec.storage(), deleteBuckets);
        return deleted.isEmpty() ? null : String.join(", ", deleted);
    }

    @Override
    public String status() {
        List<String> missing = provisioner.plan(spec.storage());
        return describe() + ": " + (missing.isEmpty() ? "present" : String.join("; ", missing));
    }
}
