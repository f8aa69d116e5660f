package io.callstream.registry.core;

import static io.callstream.registry.client.RegistryException.INCOMPATIBLE_SCHEMA;
import static io.callstream.registry.client.RegistryException.INVALID_MODE;
import static io.callstream.registry.client.RegistryException.INVALID_SCHEMA;
import static io.callstream.registry.client.RegistryException.INVALID_VERSION;
import static io.callstream.registry.client.RegistryException.OPERATION_NOT_PERMITTED;
import static io.callstream.registry.client.RegistryException.REFERENCE_EXISTS;
import static io.callstream.registry.client.RegistryException.SCHEMA_NOT_FOUND;
import static io.callstream.registry.client.RegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED;
import static io.callstream.registry.client.RegistryException.SUBJECT_NOT_FOUND;
import static io.callstream.registry.client.RegistryException.SUBJECT_NOT_SOFT_DELETED;
import static io.callstream.registry.client.RegistryException.SUBJECT_SOFT_DELETED;
import static io.callstream.registry.client.RegistryException.VERSION_NOT_FOUND;
import static io.callstream.registry.client.RegistryException.VERSION_NOT_SOFT_DELETED;
import static io.callstream.registry.client.RegistryException.VERSION_SOFT_DELETED;

import io.callstream.registry.client.AvroCompatibility;
import io.callstream.registry.client.CompatibilityLevel;
import io.callstream.registry.client.RegistryException;
import io.callstream.registry.client.SchemaMetadata;
import io.callstream.registry.core.RegistryRecord.Config;
import io.callstream.registry.core.RegistryRecord.IdWatermark;
import io.callstream.registry.core.RegistryRecord.SchemaVersion;
import io.callstream.registry.core.RegistryRecord.SchemaVersionRemoved;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.Schema;

/**
 * The semantics of a Confluent schema registry: subjects with numbered versions, global schema ids
 * shared by identical schemas, soft and permanent deletes, and compatibility levels checked with
 * Avro's checker. Errors are {@link RegistryException}s with Confluent's codes.
 *
 * <p>Event-sourced: every change is first handed to the journal (which persists it, or throws),
 * then applied; {@link #apply} replays a journal on start-up, so ids and versions survive restarts.
 * Thread-safe; operations are serialized, which suits a registry's low, cached traffic.
 */
public final class RegistryState {

    private final Consumer<RegistryRecord> journal;
    private final Map<String, TreeMap<Integer, SchemaVersion>> subjects = new HashMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private final Map<Integer, String> metadataById = new HashMap<>();
    private final Map<String, Boolean> subjectNormalize = new HashMap<>();
    private Boolean globalNormalize;
    private final Map<String, String> subjectModes = new HashMap<>();
    private String globalMode = "READWRITE";

    /** The modes of Confluent's API: READWRITE, READONLY (no changes), IMPORT (registration at given ids). */
    public static final java.util.Set<String> MODES = java.util.Set.of("READWRITE", "READONLY", "IMPORT");

    private CompatibilityLevel globalLevel;
    private int maxId;

    /**
     * @param journal persists a record before it is applied; throws to refuse the change
     * @param defaultLevel the global compatibility level until one is set
     */
    public RegistryState(Consumer<RegistryRecord> journal, CompatibilityLevel defaultLevel) {
        this.journal = journal;
        this.globalLevel = defaultLevel;
    }

    /** Applies a journaled record: on replay, and after each change is journaled. */
    public synchronized void apply(RegistryRecord record) {
        switch (record) {
            case SchemaVersion version -> {
                subjects.computeIfAbsent(version.subject(), s -> new TreeMap<>())
                        .put(version.version(), version);
                schemasById.put(version.id(), version.schema());
                if (version.metadata() != null) {
                    metadataById.put(version.id(), version.metadata());
                }
                idsBySchema.putIfAbsent(
                        identity(version.schema(), version.metadata(), version.references()), version.id());
                maxId = Math.max(maxId, version.id());
            }
            case SchemaVersionRemoved removed -> {
                TreeMap<Integer, SchemaVersion> versions = subjects.get(removed.subject());
                SchemaVersion gone = versions == null ? null : versions.remove(removed.version());
                if (versions != null && versions.isEmpty()) {
                    subjects.remove(removed.subject());
                }
                if (gone != null && !isReferenced(gone.id())) {
                    schemasById.remove(gone.id());
                    metadataById.remove(gone.id());
                    idsBySchema.remove(identity(gone.schema(), gone.metadata(), gone.references()), gone.id());
                }
            }
            case IdWatermark watermark -> maxId = Math.max(maxId, watermark.maxId());
            case RegistryRecord.Mode mode -> {
                if (mode.subject() == null) {
                    globalMode = mode.mode() == null ? "READWRITE" : mode.mode();
                } else if (mode.mode() == null) {
                    subjectModes.remove(mode.subject());
                } else {
                    subjectModes.put(mode.subject(), mode.mode());
                }
            }
            case Config config -> {
                if (config.subject() == null) {
                    globalLevel = config.level() == null ? globalLevel : config.level();
                    globalNormalize = config.normalize();
                } else if (config.level() == null) {
                    subjectLevels.remove(config.subject());
                    subjectNormalize.remove(config.subject());
                } else {
                    subjectLevels.put(config.subject(), config.level());
                    if (config.normalize() == null) {
                        subjectNormalize.remove(config.subject());
                    } else {
                        subjectNormalize.put(config.subject(), config.normalize());
                    }
                }
            }
        }
    }

    /** Registers a schema under a subject, or returns the id it already has there. */
    public synchronized int register(String subject, String schemaText) {
        return registerVersion(subject, schemaText, null).id();
    }

    /**
     * Registers a schema with its metadata (canonical JSON, or null) under a subject, or returns the
     * version it already has there: a schema is identified by its text and its metadata together.
     */
    public synchronized SchemaMetadata registerVersion(String subject, String schemaText, String metadata) {
        return registerVersion(subject, schemaText, metadata, List.of(), null, null);
    }

    /**
     * Registers as {@link #registerVersion(String, String, String)}; in IMPORT mode at the given id
     * (and version, else the next), as when a registry's schemas are copied from another.
     */
    public synchronized SchemaMetadata registerVersion(
            String subject,
            String schemaText,
            String metadata,
            List<RegistryRecord.Reference> references,
            Integer importId,
            Integer importVersion) {
        writable(subject);
        boolean importing = "IMPORT".equals(mode(subject, true));
        if (importId != null && !importing) {
            throw new RegistryException(
                    422,
                    OPERATION_NOT_PERMITTED,
                    "Registering at a given id is permitted in IMPORT mode only (subject " + subject + " is "
                            + mode(subject, true) + ")");
        }
        List<RegistryRecord.Reference> refs = resolved(references);
        Schema schema = parse(schemaText, refs);
        // a schema that takes types from others keeps its own text (those types stay references), in
        // compact JSON, so layout never makes two registrations of it differ
        String canonical = refs.isEmpty() ? schema.toString() : compact(schemaText);
        Optional<SchemaVersion> existing = live(subject).stream()
                .filter(version -> version.schema().equals(canonical)
                        && Objects.equals(version.metadata(), metadata)
                        && version.references().equals(refs))
                .findFirst();
        if (existing.isPresent()) {
            return metadata(existing.get());
        }
        List<String> problems = AvroCompatibility.incompatibilities(level(subject), schema, liveSchemas(subject));
        if (!problems.isEmpty()) {
            throw new RegistryException(
                    409,
                    INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject
                            + "\", details: " + problems);
        }
        int id = idsBySchema.getOrDefault(identity(canonical, metadata, refs), maxId + 1);
        if (importId != null) {
            String holder = schemasById.get(importId);
            if (holder != null && !holder.equals(canonical)) {
                throw new RegistryException(
                        422, OPERATION_NOT_PERMITTED, "Schema id " + importId + " is already another schema's");
            }
            id = importId;
        }
        if (id > maxId) {
            change(new IdWatermark(id));
        }
        TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
        int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
        if (importVersion != null) {
            if (versions != null && versions.containsKey(importVersion)) {
                throw new RegistryException(
                        422,
                        OPERATION_NOT_PERMITTED,
                        "Version " + importVersion + " of " + subject + " exists already");
            }
            version = importVersion;
        }
        SchemaVersion registered = new SchemaVersion(subject, version, id, canonical, false, metadata, refs);
        change(registered);
        return metadata(registered);
    }

    /** The mode of a subject (its own, else the registry's when {@code defaultToGlobal}); null when not set. */
    public synchronized String mode(String subject, boolean defaultToGlobal) {
        if (subject == null) {
            return globalMode;
        }
        String own = subjectModes.get(subject);
        return own != null || !defaultToGlobal ? own : globalMode;
    }

    /** Sets (mode non-null) or removes a subject's mode, or the registry's (subject null). */
    public synchronized String setMode(String subject, String mode) {
        if (mode != null && !MODES.contains(mode)) {
            throw new RegistryException(422, INVALID_MODE, "Invalid mode " + mode + "; use one of " + MODES);
        }
        String before = mode(subject, true);
        change(new RegistryRecord.Mode(subject, mode));
        return before;
    }

    private void writable(String subject) {
        if ("READONLY".equals(mode(subject, true))) {
            throw new RegistryException(422, OPERATION_NOT_PERMITTED, "Subject " + subject + " is in read-only mode");
        }
    }

    /** Every version (latest only, when asked) of the subjects starting with {@code prefix}. */
    public synchronized List<SchemaMetadata> schemas(String prefix, boolean includeDeleted, boolean latestOnly) {
        List<SchemaMetadata> all = new ArrayList<>();
        for (String subject : subjects(includeDeleted)) {
            if (!subject.startsWith(prefix)) {
                continue;
            }
            List<SchemaVersion> versions = includeDeleted ? all(subject) : live(subject);
            (latestOnly && !versions.isEmpty() ? List.of(versions.getLast()) : versions)
                    .forEach(version -> all.add(metadata(version)));
        }
        return all;
    }

    private static String identity(String canonical, String metadata) {
        return identity(canonical, metadata, List.of());
    }

    private static String identity(String canonical, String metadata, List<RegistryRecord.Reference> references) {
        String withMetadata = metadata == null ? canonical : canonical + '\u0000' + metadata;
        return references.isEmpty() ? withMetadata : withMetadata + '\u0000' + references;
    }

    /** References with concrete versions ({@code -1}: the latest), each of a live version. */
    private List<RegistryRecord.Reference> resolved(List<RegistryRecord.Reference> references) {
        List<RegistryRecord.Reference> resolved = new ArrayList<>();
        for (RegistryRecord.Reference reference :
                references == null ? List.<RegistryRecord.Reference>of() : references) {
            SchemaVersion target;
            try {
                target = find(reference.subject(), Integer.toString(reference.version()), false);
            } catch (RegistryException e) {
                throw new RegistryException(
                        422,
                        INVALID_SCHEMA,
                        "Invalid reference " + reference.name() + ": " + reference.subject() + " version "
                                + reference.version() + " not found");
            }
            resolved.add(new RegistryRecord.Reference(reference.name(), reference.subject(), target.version()));
        }
        return resolved;
    }

    /** The references of a schema id (empty when it takes no types from others). */
    public synchronized List<RegistryRecord.Reference> referencesById(int id) {
        schemaById(id);
        return subjects.values().stream()
                .flatMap(versions -> versions.values().stream())
                .filter(version -> version.id() == id)
                .findFirst()
                .map(SchemaVersion::references)
                .orElse(List.of());
    }

    /** The references of one version of a subject. */
    public synchronized List<RegistryRecord.Reference> referencesOf(String subject, int version) {
        TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
        SchemaVersion found = versions == null ? null : versions.get(version);
        return found == null ? List.of() : found.references();
    }

    /** The ids of the live schemas that take types from this version of a subject. */
    public synchronized List<Integer> referencedBy(String subject, String versionSpec) {
        SchemaVersion target = find(subject, versionSpec, true);
        return subjects.values().stream()
                .flatMap(versions -> versions.values().stream())
                .filter(version -> !version.deleted()
                        && version.references().stream()
                                .anyMatch(ref -> ref.subject().equals(subject) && ref.version() == target.version()))
                .map(SchemaVersion::id)
                .distinct()
                .sorted()
                .toList();
    }

    private void notReferenced(String subject, SchemaVersion version) {
        if (!referencedBy(subject, Integer.toString(version.version())).isEmpty()) {
            throw new RegistryException(
                    422,
                    REFERENCE_EXISTS,
                    "One or more references exist to the schema {subject=" + subject + ",version=" + version.version()
                            + "}");
        }
    }

    /** Every schema id in use, ascending. */
    public synchronized List<Integer> ids() {
        return schemasById.keySet().stream().sorted().toList();
    }

    /** The metadata of a schema id (canonical JSON), or null. */
    public synchronized String metadataById(int id) {
        schemaById(id);
        return metadataById.get(id);
    }

    /** The metadata of one version of a subject (canonical JSON), or null. */
    public synchronized String metadataOf(String subject, int version) {
        TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
        SchemaVersion found = versions == null ? null : versions.get(version);
        return found == null ? null : found.metadata();
    }

    /** The latest version of a subject whose metadata {@code matches}. */
    public synchronized SchemaMetadata latestMatching(
            String subject, java.util.function.Predicate<String> matches, boolean includeDeleted) {
        List<SchemaVersion> versions = includeDeleted ? all(subject) : live(subject);
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return versions.reversed().stream()
                .filter(version -> version.metadata() != null && matches.test(version.metadata()))
                .findFirst()
                .map(RegistryState::metadata)
                .orElseThrow(() -> new RegistryException(404, SCHEMA_NOT_FOUND, "Schema not found"));
    }

    /** Whether schemas are normalized for a subject (or globally, subject null); null when not set. */
    public synchronized Boolean normalize(String subject) {
        return subject == null ? globalNormalize : subjectNormalize.get(subject);
    }

    /** Sets a compatibility level (null: keep the one in force) and the normalize setting (null: unset). */
    public synchronized void setConfig(String subject, CompatibilityLevel level, Boolean normalize) {
        CompatibilityLevel effective =
                level != null ? level : subject == null ? globalLevel : subjectLevel(subject, true);
        change(new Config(subject, effective, normalize));
    }

    /** Finds a schema among a subject's versions. */
    public synchronized SchemaMetadata lookup(String subject, String schemaText, boolean includeDeleted) {
        return lookup(subject, schemaText, null, includeDeleted);
    }

    /** Finds a schema among a subject's versions; with metadata (canonical JSON), the version with that metadata. */
    public synchronized SchemaMetadata lookup(
            String subject, String schemaText, String metadata, boolean includeDeleted) {
        return lookup(subject, schemaText, metadata, List.of(), includeDeleted);
    }

    /** Finds a schema (with these references) among a subject's versions. */
    public synchronized SchemaMetadata lookup(
            String subject,
            String schemaText,
            String metadata,
            List<RegistryRecord.Reference> references,
            boolean includeDeleted) {
        List<RegistryRecord.Reference> refs = resolved(references);
        Schema parsed = parse(schemaText, refs);
        String canonical = refs.isEmpty() ? parsed.toString() : compact(schemaText);
        List<SchemaVersion> versions = includeDeleted ? all(subject) : live(subject);
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return versions.stream()
                .filter(version -> version.schema().equals(canonical)
                        && version.references().equals(refs)
                        && (metadata == null || metadata.equals(version.metadata())))
                .findFirst()
                .map(RegistryState::metadata)
                .orElseThrow(() -> new RegistryException(404, SCHEMA_NOT_FOUND, "Schema not found"));
    }

    public synchronized String schemaById(int id) {
        String schema = schemasById.get(id);
        if (schema == null) {
            throw new RegistryException(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schema;
    }

    /** The subject-version pairs that use a schema id. */
    public synchronized List<SchemaMetadata> usagesOf(int id) {
        schemaById(id);
        return subjects.values().stream()
                .flatMap(versions -> versions.values().stream())
                .filter(version -> version.id() == id && !version.deleted())
                .map(RegistryState::metadata)
                .toList();
    }

    /** One version of a subject: a number, or {@code latest} / {@code -1}. */
    public synchronized SchemaMetadata version(String subject, String versionSpec, boolean includeDeleted) {
        return metadata(find(subject, versionSpec, includeDeleted));
    }

    public synchronized List<String> subjects(boolean includeDeleted) {
        return subjects.keySet().stream()
                .filter(subject -> includeDeleted || !live(subject).isEmpty())
                .sorted()
                .toList();
    }

    public synchronized List<Integer> versions(String subject, boolean includeDeleted) {
        List<SchemaVersion> versions = includeDeleted ? all(subject) : live(subject);
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return versions.stream().map(SchemaVersion::version).toList();
    }

    /** Soft-deletes a subject, or permanently deletes one already soft-deleted. */
    public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        writable(subject);
        List<SchemaVersion> all = all(subject);
        List<SchemaVersion> live = live(subject);
        if (all.isEmpty()) {
            throw subjectNotFound(subject);
        }
        if (permanent) {
            if (!live.isEmpty()) {
                throw new RegistryException(
                        404,
                        SUBJECT_NOT_SOFT_DELETED,
                        "Subject '" + subject + "' was not deleted first before being permanently deleted");
            }
            all.forEach(version -> notReferenced(subject, version));
            all.forEach(version -> change(new SchemaVersionRemoved(subject, version.version())));
            if (subjectLevels.containsKey(subject)) {
                change(new Config(subject, null));
            }
            return all.stream().map(SchemaVersion::version).toList();
        }
        if (live.isEmpty()) {
            throw new RegistryException(
                    404,
                    SUBJECT_SOFT_DELETED,
                    "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
        }
        live.forEach(version -> notReferenced(subject, version));
        live.forEach(version -> change(softDeleted(version)));
        return live.stream().map(SchemaVersion::version).toList();
    }

    /** Soft-deletes a version, or permanently deletes one already soft-deleted. */
    public synchronized int deleteVersion(String subject, String versionSpec, boolean permanent) {
        writable(subject);
        SchemaVersion version = find(subject, versionSpec, true);
        notReferenced(subject, version);
        if (permanent) {
            if (!version.deleted()) {
                throw new RegistryException(
                        404,
                        VERSION_NOT_SOFT_DELETED,
                        "Subject '" + subject + "' Version " + version.version()
                                + " was not deleted first before being permanently deleted");
            }
            change(new SchemaVersionRemoved(subject, version.version()));
        } else {
            if (version.deleted()) {
                throw new RegistryException(
                        404,
                        VERSION_SOFT_DELETED,
                        "Subject '" + subject + "' Version " + version.version()
                                + " was soft deleted.Set permanent=true to delete permanently");
            }
            change(softDeleted(version));
        }
        return version.version();
    }

    public synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    /** The subject's own level; with {@code defaultToGlobal}, the global level when it has none. */
    public synchronized CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
        CompatibilityLevel level = subjectLevels.get(subject);
        if (level == null && !defaultToGlobal) {
            throw new RegistryException(
                    404,
                    SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                    "Subject '" + subject + "' does not have subject-level compatibility configured");
        }
        return level == null ? globalLevel : level;
    }

    /** Sets a level; null subject: the global level. */
    public synchronized void setLevel(String subject, CompatibilityLevel level) {
        change(new Config(subject, level));
    }

    /** Removes a subject's own level; returns the level it had. */
    public synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
        CompatibilityLevel previous = subjectLevel(subject, false);
        change(new Config(subject, null));
        return previous;
    }

    /**
     * The incompatibilities of a schema against one version of a subject ({@code versionSpec}), or
     * against the versions its level covers (null {@code versionSpec}); empty when compatible.
     */
    public synchronized List<String> incompatibilities(String subject, String schemaText, String versionSpec) {
        return incompatibilities(subject, schemaText, List.of(), versionSpec);
    }

    /** As {@link #incompatibilities(String, String, String)}, for a schema with references. */
    public synchronized List<String> incompatibilities(
            String subject, String schemaText, List<RegistryRecord.Reference> references, String versionSpec) {
        Schema schema = parse(schemaText, resolved(references));
        CompatibilityLevel level = level(subject);
        if (versionSpec == null) {
            return AvroCompatibility.incompatibilities(level, schema, liveSchemas(subject));
        }
        if (live(subject).isEmpty()) {
            throw subjectNotFound(subject);
        }
        Schema against = parsed(find(subject, versionSpec, false));
        return AvroCompatibility.incompatibilities(level, schema, List.of(against));
    }

    private CompatibilityLevel level(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private void change(RegistryRecord record) {
        journal.accept(record);
        apply(record);
    }

    private SchemaVersion find(String subject, String versionSpec, boolean includeDeleted) {
        int number = parseVersion(versionSpec);
        List<SchemaVersion> candidates = includeDeleted ? all(subject) : live(subject);
        if (candidates.isEmpty()) {
            throw subjectNotFound(subject);
        }
        if (number == -1) {
            return candidates.getLast();
        }
        return candidates.stream()
                .filter(version -> version.version() == number)
                .findFirst()
                .orElseThrow(() -> new RegistryException(404, VERSION_NOT_FOUND, "Version " + number + " not found."));
    }

    private static int parseVersion(String spec) {
        if ("latest".equalsIgnoreCase(spec)) {
            return -1;
        }
        try {
            int number = Integer.parseInt(spec);
            if (number == -1 || number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Falls through to the error Confluent answers for any other value.
        }
        throw new RegistryException(
                422,
                INVALID_VERSION,
                "The specified version '" + spec
                        + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private List<SchemaVersion> all(String subject) {
        TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
        return versions == null ? List.of() : new ArrayList<>(versions.values());
    }

    private List<SchemaVersion> live(String subject) {
        return all(subject).stream().filter(version -> !version.deleted()).toList();
    }

    private List<Schema> liveSchemas(String subject) {
        return live(subject).stream().map(this::parsed).toList();
    }

    private boolean isReferenced(int id) {
        return subjects.values().stream()
                .anyMatch(versions -> versions.values().stream().anyMatch(version -> version.id() == id));
    }

    private static SchemaVersion softDeleted(SchemaVersion version) {
        return new SchemaVersion(
                version.subject(),
                version.version(),
                version.id(),
                version.schema(),
                true,
                version.metadata(),
                version.references());
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** JSON text without insignificant whitespace (key order kept: it is the schema's). */
    private static String compact(String text) {
        try {
            return JSON.writeValueAsString(JSON.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RegistryException(422, INVALID_SCHEMA, "Invalid schema " + text + ": " + e.getOriginalMessage());
        }
    }

    /** A stored version's schema, parsed with the types it references. */
    private Schema parsed(SchemaVersion version) {
        return parse(version.schema(), version.references());
    }

    /**
     * A schema parsed after the schemas it references (and theirs, depth first, each once), so the
     * names it takes from them are known.
     */
    private Schema parse(String schemaText, List<RegistryRecord.Reference> references) {
        if (references.isEmpty()) {
            return parse(schemaText);
        }
        Schema.Parser parser = new Schema.Parser();
        java.util.Set<String> loaded = new java.util.HashSet<>();
        for (RegistryRecord.Reference reference : references) {
            load(parser, reference, loaded);
        }
        try {
            return parser.parse(schemaText);
        } catch (RuntimeException e) {
            throw new RegistryException(422, INVALID_SCHEMA, "Invalid schema " + schemaText + ": " + e.getMessage());
        }
    }

    private void load(Schema.Parser parser, RegistryRecord.Reference reference, java.util.Set<String> loaded) {
        if (!loaded.add(reference.subject() + "\u0000" + reference.version())) {
            return;
        }
        SchemaVersion target =
                subjects.getOrDefault(reference.subject(), new TreeMap<>()).get(reference.version());
        if (target == null) {
            throw new RegistryException(
                    422,
                    INVALID_SCHEMA,
                    "Invalid reference " + reference.name() + ": " + reference.subject() + " version "
                            + reference.version() + " not found");
        }
        for (RegistryRecord.Reference inner : target.references()) {
            load(parser, inner, loaded);
        }
        try {
            parser.parse(target.schema());
        } catch (RuntimeException e) {
            throw new RegistryException(
                    422,
                    INVALID_SCHEMA,
                    "Referenced schema " + reference.subject() + " cannot be parsed: " + e.getMessage());
        }
    }

    private static SchemaMetadata metadata(SchemaVersion version) {
        return new SchemaMetadata(version.subject(), version.version(), version.id(), version.schema());
    }

    private static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    private static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw new RegistryException(422, INVALID_SCHEMA, "Empty schema");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) {
            throw new RegistryException(422, INVALID_SCHEMA, "Invalid schema " + schemaText + ": " + e.getMessage());
        }
    }
}
