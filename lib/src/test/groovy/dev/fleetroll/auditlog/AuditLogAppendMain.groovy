package dev.fleetroll.auditlog

import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock

/**
 * Run as a separate JVM by AuditLogSpec: appends N records to a log, one append call each. With a fourth argument
 * (the other writer's actor), it waits after its first record until the other writer's first record is in the file
 * too, so the two really write at the same time whatever the scheduler does (exit 3 if the other never shows up).
 * With a fifth argument (a path), it waits after its fifth record until that file exists (AuditLogRotationSpec
 * rotates the log while the writers are held there and released into its lock).
 */
class AuditLogAppendMain {
    static void main(String[] args) {
        Path file = Path.of(args[0])
        def log = new AuditLog(file, args[1], Clock.systemUTC())
        int n = args[2] as int
        String other = args.length > 3 ? args[3] : null
        Path gate = args.length > 4 ? Path.of(args[4]) : null
        for (int i = 0; i < n; i++) {
            log.append(AuditRecord.builder('override.set').host("h${i % 7}.test".toString()).ok(true).outcome('changed')
                    .parameter('i', i).parameter('writer', args[1]).build())
            if (i == 4 && gate != null) {
                long deadline = System.nanoTime() + 300_000_000_000L
                while (!Files.exists(gate)) {
                    if (System.nanoTime() > deadline) {
                        System.exit(3)
                    }
                    Thread.sleep(5)
                }
            }
            if (i == 0 && other != null) {
                long deadline = System.nanoTime() + 300_000_000_000L
                while (!Files.readString(file).contains("\"actor\":\"${other}\"")) {
                    if (System.nanoTime() > deadline) {
                        System.exit(3)
                    }
                    Thread.sleep(5)
                }
            }
        }
    }
}
