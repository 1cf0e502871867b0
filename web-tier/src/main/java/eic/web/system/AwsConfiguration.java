package eic.web.system;

import eic.common.aws.AwsClients;
import eic.common.aws.StackNames;
import java.util.Optional;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** One client per service, from the project's one factory, configured by {@link WebProperties}. */
@Configuration(proxyBeanMethods = false)
class AwsConfiguration {

    @Bean(destroyMethod = "close")
    AwsClients awsClients(WebProperties properties) {
        return new AwsClients(properties.awsSettings());
    }

    @Bean
    S3Client s3(AwsClients clients) {
        return clients.s3();
    }

    @Bean
    SqsClient sqs(AwsClients clients) {
        return clients.sqs();
    }

    /**
     * The one CloudWatch client of this JVM, for the request metrics and the backlog; made only
     * when a publisher asks for it (EIC_CLOUDWATCH_NAMESPACE set), closed with the factory.
     */
    @Bean(destroyMethod = "")
    @Lazy
    CloudWatchClient cloudWatch(AwsClients clients, WebProperties properties) {
        return clients.client(CloudWatchClient.builder(), Optional.ofNullable(properties.cloudwatch().endpoint()));
    }

    @Bean
    StackNames stackNames(WebProperties properties) {
        return properties.names();
    }
}
