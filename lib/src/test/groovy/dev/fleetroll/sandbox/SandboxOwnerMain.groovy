package dev.fleetroll.sandbox

import dev.fleetroll.config.FleetrollHome

import java.nio.file.Path

/** A process that owns a sandbox and then hangs, for SandboxCrashSpec to kill -9. Args: FLEETROLL_HOME HOSTS. */
class SandboxOwnerMain {
    static void main(String[] args) {
        def sb = Sandbox.up(SandboxSpec.of(new FleetrollHome(Path.of(args[0])), args[1] as int))
        println "UP ${sb.dir()} ${sb.slot()}"
        System.out.flush()
        Thread.sleep(600_000)
    }
}
