package dev.fleetroll.console;

import dev.fleetroll.console.cli.Cli;

/**
 * Configures slf4j-simple before the first logger exists: warnings only (to stderr) unless {@code --debug}.
 * {@code lib} logs through SLF4J and never prints; this is where that output is routed.
 */
final class Logging {
    private Logging() {}

    static void configure(String[] args) {
        boolean debug = Cli.debugRequested(args);
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "warn");
        setDefault("org.slf4j.simpleLogger.log.net.schmizz", debug ? "info" : "off");
        setDefault("org.slf4j.simpleLogger.log.com.hierynomus", debug ? "info" : "off");
        setDefault("org.slf4j.simpleLogger.showThreadName", debug ? "true" : "false");
        setDefault("org.slf4j.simpleLogger.showLogName", "true");
        setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
        setDefault("org.slf4j.simpleLogger.levelInBrackets", "true");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
