namespace Dstack.Storage.S3.Tests;

public sealed class S3XmlTests
{
    [Fact]
    public void ListPage_ReadsKeysPrefixesAndTheNextToken_Unescaped()
    {
        const string xml = """
            <?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>
            <Prefix>runs/</Prefix><KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
            <Contents><Key>runs/a&amp;b.json</Key><LastModified>2026-12-02T10:00:00.000Z</LastModified><Size>3</Size></Contents>
            <Contents><Key>runs/&lt;c&gt;</Key><Size>0</Size></Contents>
            <CommonPrefixes><Prefix>runs/x/</Prefix></CommonPrefixes><NextContinuationToken>1ueGcxLPR&amp;x</NextContinuationToken></ListBucketResult>
            """;

        var (keys, prefixes, next) = S3Xml.ListPage(xml);

        keys.ShouldBe(["runs/a&b.json", "runs/<c>"]);
        prefixes.ShouldBe(["runs/x/"]);
        next.ShouldBe("1ueGcxLPR&x");
    }

    [Fact]
    public void ListPage_TheLastPage_HasNoNextToken()
    {
        var (keys, prefixes, next) = S3Xml.ListPage("<ListBucketResult><IsTruncated>false</IsTruncated><KeyCount>0</KeyCount></ListBucketResult>");

        keys.ShouldBeEmpty();
        prefixes.ShouldBeEmpty();
        next.ShouldBeNull();
    }

    [Fact]
    public void First_ReadsAnErrorsCode() =>
        S3Xml.First("<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>", "Code").ShouldBe("NoSuchBucket");
}
