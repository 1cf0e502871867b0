package eic.web.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import eic.common.messaging.ClassificationReply;
import eic.common.messaging.Messages;
import eic.web.security.KeyFromProperties;
import eic.web.system.WebProperties;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

/**
 * The door's two classification controllers in Spring's MVC slice, with the security chain and
 * the one error mapping: which field carries the image, what each answer becomes on the wire,
 * and that a request the door refuses never reaches the service (so never a queue or a worker).
 * The service stands in for the queue and the buckets here; the whole path is HttpApiTest's,
 * against the real local servers.
 */
@WebMvcTest(controllers = {ClassicController.class, AsyncApi.class}, properties = "eic.api-key=slice-key",
        includeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "eic\\.web\\.security\\.ApiSecurity"))
@Import({RequestStats.class, PendingReplies.class, KeyFromProperties.class})
@ImportAutoConfiguration({MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class})
@EnableConfigurationProperties(WebProperties.class)
class ClassifyApiSliceTest {
    private static final String KEY = "slice-key";

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ClassificationService service;

    private final AtomicReference<String> submitted = new AtomicReference<>();

    @Test
    void aClassicPostWithoutTheImageIs400AndReachesNoService() throws Exception {
        mvc.perform(multipart("/").file(new MockMultipartFile("image", "p.png", "image/png", new byte[] {1})))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(containsString("'myfile'")));
        verifyNoInteractions(service);
    }

    @Test
    void theClassicAnswerIsTheLabelAsPlainTextWhicheverFieldCarriedTheImage() throws Exception {
        answer(id -> new ClassificationReply(Messages.VERSION, id, ClassificationReply.Status.DONE, "p.png", "circle",
                0.9, List.of(), "shapes", "w1", null, ClassificationReply.Timings.NONE, Instant.now()));
        for (String field : List.of("myfile", "inputFile")) {
            MvcResult answered = mvc.perform(asyncDispatch(classic(field)))
                    .andExpect(status().isOk())
                    .andExpect(header().string("X-Model", "shapes"))
                    .andExpect(content().contentTypeCompatibleWith("text/plain"))
                    .andExpect(content().string("circle")).andReturn();
            assertThat(answered.getResponse().getHeaders("X-Request-Id")).as("the id the door gave, once")
                    .containsExactly(submitted.get());
        }
    }

    @Test
    void anImageTheWorkerCouldNotClassifyIs422WithItsReason() throws Exception {
        answer(id -> ClassificationReply.failed(id, "p.png", "the image is truncated", "shapes", "w1"));
        mvc.perform(asyncDispatch(classic("myfile")))
                .andExpect(status().isUnprocessableEntity())
                .andExpect(content().string(containsString("the image is truncated")));
    }

    @Test
    void aRequestThatExpiredInTheBacklogIs504AndSaysTheImageIsFine() throws Exception {
        answer(id -> ClassificationReply.expired(id, "p.png", "past its deadline", "shapes", "w1"));
        mvc.perform(asyncDispatch(classic("myfile")))
                .andExpect(status().isGatewayTimeout())
                .andExpect(content().string(containsString("nothing is wrong with the image")));
    }

    @Test
    void aStatusQueryForWhatIsNoRequestIdIs400AndReachesNoService() throws Exception {
        for (String notAnId : List.of("1-1-1-1-1", "uploads", UUID.randomUUID().toString().toUpperCase())) {
            mvc.perform(get(AsyncApi.BASE + "/" + notAnId).header("X-Api-Key", KEY))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.detail").value(containsString("not a classification id")));
        }
        verifyNoInteractions(service);
    }

    @Test
    void aStatusQueryIs404ForAnUnknownIdAndPendingForAnAcceptedOne() throws Exception {
        String unknown = UUID.randomUUID().toString();
        String accepted = UUID.randomUUID().toString();
        when(service.record(anyString())).thenReturn(Optional.empty());
        when(service.isAccepted(accepted)).thenReturn(true);
        mvc.perform(get(AsyncApi.BASE + "/" + unknown).header("X-Api-Key", KEY)).andExpect(status().isNotFound());
        mvc.perform(get(AsyncApi.BASE + "/" + accepted).header("X-Api-Key", KEY))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(accepted))
                .andExpect(jsonPath("$.status").value("pending"));
        verify(service).isAccepted(unknown);
    }

    /** The service accepts under the id the door assigned, and the reply is already there. */
    private void answer(Function<String, ClassificationReply> reply) {
        when(service.submit(any(), anyString(), any(), any(), anyLong())).thenAnswer(call -> {
            String id = call.getArgument(1);
            submitted.set(id);
            return List.of(new ClassificationService.Submission(id, "p.png",
                    CompletableFuture.completedFuture(reply.apply(id)), new Timeline(System.nanoTime(), 1, 1, 1)));
        });
    }

    private MvcResult classic(String field) throws Exception {
        MvcResult started = mvc.perform(multipart("/").file(new MockMultipartFile(field, "p.png", "image/png",
                new byte[] {(byte) 0x89, 'P', 'N', 'G'}))).andExpect(request().asyncStarted()).andReturn();
        assertThat(started.getAsyncResult()).isNotNull();
        return started;
    }
}
