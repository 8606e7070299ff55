//! Just enough ARN parsing to tell which service namespace a resource belongs to.

/// The parts of `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-us-gov`, `aws-cn`.
    pub partition: &'a str,
    /// The service namespace, e.g. `s3`, `rds`, `lightsail`.
    pub service: &'a str,
    /// Empty for global resources.
    pub region: &'a str,
    /// Empty for S3 buckets.
    pub account: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits an ARN; `None` if the text is not one.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let partition = parts.next()?;
        let service = parts.next()?;
        let region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        if partition.is_empty() || service.is_empty() {
            return None;
        }
        Some(Arn {
            partition,
            service,
            region,
            account,
            resource,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_an_arn() {
        let arn = Arn::parse("arn:aws:rds:us-east-1:111122223333:db:patients").unwrap();
        assert_eq!(arn.service, "rds");
        assert_eq!(arn.region, "us-east-1");
        assert_eq!(arn.account, "111122223333");
        assert_eq!(arn.resource, "db:patients");
        assert_eq!(
            Arn::parse("arn:aws:s3:::bucket").unwrap().resource,
            "bucket"
        );
        assert!(Arn::parse("i-0123").is_none());
        assert!(Arn::parse("arn:aws").is_none());
    }
}
