package io.callstream.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.callstream.processor.domain.CodeRule;
import io.callstream.processor.domain.CodeTable;
import io.callstream.processor.domain.Tariff;
import io.callstream.processor.domain.TariffTable;
import io.callstream.schema.CodeMapping;
import io.callstream.schema.FailureCategory;
import io.callstream.schema.Topics;
import io.callstream.testkit.TestPlatform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Loading code tables and tariffs into their compacted topics on the real broker and registry. */
class ReferenceDataLoaderIT {

    @Test
    void shouldSeedEmptyTopicsOnceThenPublishOnlyTheDifferenceOfALoad() throws Exception {
        // A platform of its own: the shared one's topics may have been seeded by another test.
        try (TestPlatform platform = TestPlatform.start()) {
            check(platform);
        }
    }

    private static void check(TestPlatform platform) {
        ReferenceDataLoader loader = new ReferenceDataLoader(
                platform.bootstrapServers(), Map.of("schema.registry.url", platform.schemaRegistryUrl()));
        loader.ensureTopics(1);
        List<CodeRule> bundled = CodeTable.bundledRules();

        List<ReferenceDataLoader.Summary> seeded = loader.seedIfEmpty();

        assertThat(seeded)
                .containsExactly(
                        new ReferenceDataLoader.Summary(Topics.CODE_MAPPINGS, bundled.size(), 0, 0, 0),
                        new ReferenceDataLoader.Summary(Topics.TARIFFS, 0, 0, 0, 0));
        assertThat(loader.read(Topics.CODE_MAPPINGS)).hasSize(bundled.size());
        assertThat(loader.seedIfEmpty()).as("the code table topic has data now").hasSize(1);

        List<CodeRule> ucpaas = new ArrayList<>(
                bundled.stream().filter(rule -> rule.vendor().equals("ucpaas")).toList());
        CodeRule dropped = ucpaas.removeLast();
        CodeRule first = ucpaas.getFirst();
        ucpaas.set(
                0,
                new CodeRule(
                        first.vendor(),
                        first.field(),
                        first.pattern(),
                        FailureCategory.PLATFORM_ERROR,
                        FailureCategory.PLATFORM_ERROR,
                        "corrected"));

        ReferenceDataLoader.Summary corrected = loader.loadCodes(ucpaas, Set.of("ucpaas"));

        assertThat(corrected)
                .isEqualTo(new ReferenceDataLoader.Summary(Topics.CODE_MAPPINGS, 0, 1, 1, ucpaas.size() - 1));
        Map<String, Object> rows = loader.read(Topics.CODE_MAPPINGS);
        assertThat(rows).hasSize(bundled.size() - 1).doesNotContainKey(dropped.key());
        assertThat(((CodeMapping) rows.get(first.key())).getUnansweredCategory())
                .isEqualTo(FailureCategory.PLATFORM_ERROR);

        List<Tariff> tariffs = TariffTable.parse("acme-6s,acme,*,*,6,6,0,0,0.006,0,CNY,BRIDGED");
        assertThat(loader.loadTariffs(tariffs)).isEqualTo(new ReferenceDataLoader.Summary(Topics.TARIFFS, 1, 0, 0, 0));
        assertThat(loader.loadTariffs(tariffs)).isEqualTo(new ReferenceDataLoader.Summary(Topics.TARIFFS, 0, 0, 0, 1));
        assertThat(loader.loadTariffs(List.of()))
                .isEqualTo(new ReferenceDataLoader.Summary(Topics.TARIFFS, 0, 0, 1, 0));
    }
}
