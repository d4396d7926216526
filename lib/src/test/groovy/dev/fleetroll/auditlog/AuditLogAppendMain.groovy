package dev.fleetroll.auditlog

import java.nio.file.Path
import java.time.Clock

/** Run as a separate JVM by AuditLogSpec: appends N records to a log, one append call each. */
class AuditLogAppendMain {
    static void main(String[] args) {
        def log = new AuditLog(Path.of(args[0]), args[1], Clock.systemUTC())
        int n = args[2] as int
        for (int i = 0; i < n; i++) {
            log.append(AuditRecord.builder('override.set').host("h${i % 7}.test".toString()).ok(true).outcome('changed')
                    .parameter('i', i).parameter('writer', args[1]).build())
        }
    }
}
