import org.spockframework.runtime.model.parallel.ExecutionMode

// (The console module reads this file too, from this module's test jar.)
// Spec classes run side by side, three at a time; the features of one spec run in order on one thread (they
// often share a sandbox fleet and build on each other). Most integration specs wait on sshd hosts, not on CPU,
// and each brings up its own sandbox in its own slot. Specs that must run alone are marked @Isolated.
runner {
    parallel {
        enabled true
        defaultSpecificationExecutionMode ExecutionMode.CONCURRENT
        defaultExecutionMode ExecutionMode.SAME_THREAD
        fixed(3)
    }
}
