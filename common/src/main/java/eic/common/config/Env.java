package eic.common.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of settings. A setting is looked up first as a JVM system property
 * ({@code eic.model}), then as an environment variable ({@code EIC_MODEL}), so every
 * process takes the same names from either place.
 */
public final class Env {
    private final Map<String, String> env;

    public Env(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    /** {@code EIC_REQUEST_QUEUE} for the name {@code eic.request-queue}. */
    public static String envName(String name) {
        return name.toUpperCase().replace('.', '_').replace('-', '_');
    }

    /**
     * The environment variable names beginning with {@code envPrefix} ({@code EIC_DEPLOY_}), and
     * the {@link #envName}s of the system properties that would stand for such a name: what was
     * set, to be checked against what is known.
     */
    public java.util.SortedSet<String> namesStartingWith(String envPrefix) {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        env.keySet().stream().filter(n -> n.startsWith(envPrefix)).forEach(names::add);
        System.getProperties().stringPropertyNames().stream().map(Env::envName).filter(n -> n.startsWith(envPrefix))
                .forEach(names::add);
        return names;
    }

    /** The raw value of an environment variable by its own name ({@code AWS_REGION}), if set. */
    public Optional<String> variable(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public Optional<String> find(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            value = env.get(envName(name));
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String get(String name, String defaultValue) {
        return find(name).orElse(defaultValue);
    }

    public int getInt(String name, int defaultValue) {
        return find(name).map(v -> parse(name, v, Integer::parseInt)).orElse(defaultValue);
    }

    public long getLong(String name, long defaultValue) {
        return find(name).map(v -> parse(name, v, Long::parseLong)).orElse(defaultValue);
    }

    public boolean getBoolean(String name, boolean defaultValue) {
        return find(name).map(Boolean::parseBoolean).orElse(defaultValue);
    }

    /** Sizes as Spring writes them: a number of bytes, or with {@code KB}, {@code MB}, {@code GB} (powers of 1024). */
    public long getBytes(String name, long defaultValue) {
        return find(name).map(v -> parse(name, v, Env::parseBytes)).orElse(defaultValue);
    }

    static long parseBytes(String text) {
        String v = text.trim().toUpperCase().replace(" ", "");
        long unit = 1;
        for (String[] u : new String[][] {{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
            if (v.endsWith(u[0])) {
                v = v.substring(0, v.length() - u[0].length());
                unit = Long.parseLong(u[1]);
                break;
            }
        }
        return Math.multiplyExact(Long.parseLong(v), unit);
    }

    /** Durations as ISO-8601 ({@code PT20S}) or a number with a unit: {@code 500ms}, {@code 20s}, {@code 5m}. */
    public Duration getDuration(String name, Duration defaultValue) {
        return find(name).map(v -> parse(name, v, Env::parseDuration)).orElse(defaultValue);
    }

    /** Parses one duration in the syntax of {@link #getDuration}; throws IllegalArgumentException (or a subclass). */
    public static Duration parseDuration(String text) {
        String v = text.trim().toLowerCase();
        if (v.startsWith("pt") || v.startsWith("p")) {
            return Duration.parse(v.toUpperCase());
        }
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        char unit = v.charAt(v.length() - 1);
        if (Character.isDigit(unit)) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        long amount = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (unit) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("unknown unit '" + unit + "'");
        };
    }

    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> T parse(String name, String value, Parser<T> parser) {
        try {
            return parser.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "setting " + name + " (" + envName(name) + ") has an invalid value '" + value + "': " + e.getMessage(), e);
        }
    }
}
