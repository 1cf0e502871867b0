package eic.web.system;

import eic.common.aws.AwsClients;
import eic.common.aws.StackNames;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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

    @Bean
    StackNames stackNames(WebProperties properties) {
        return properties.names();
    }
}
