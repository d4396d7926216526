package dev.fleetroll.taskcluster;

/** A worker pool named the queue's way: provisioner and worker type ({@code releng-hardware/gecko-t-osx-1500}). */
public record Pool(String provisionerId, String workerType) {
    public Pool {
        if (provisionerId == null || provisionerId.isEmpty() || workerType == null || workerType.isEmpty()) {
            throw new IllegalArgumentException("provisionerId and workerType are required");
        }
    }

    @Override
    public String toString() {
        return provisionerId + "/" + workerType;
    }
}
