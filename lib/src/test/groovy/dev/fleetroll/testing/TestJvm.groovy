package dev.fleetroll.testing

/**
 * The command line that runs a class of this test classpath in a new JVM: the running {@code java}, no perf-data file
 * (the JVM prints "Cannot use file /tmp/hsperfdata_..." warnings on stdout when another process holds its pid's file,
 * and the specs read these children's stdout), native access allowed (SQLite).
 */
final class TestJvm {
    private TestJvm() {}

    static List<String> command(Class<?> main, Object... args) {
        String java = ProcessHandle.current().info().command().orElse('java')
        [java, '-XX:-UsePerfData', '--enable-native-access=ALL-UNNAMED', '-cp', System.getProperty('java.class.path'),
         main.name] + (args as List)*.toString()
    }
}
