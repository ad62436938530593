//! The media store: every photo in the portal (pinboard photos, the client's photo, and later
//! message attachments) goes through here. An upload is sniffed (never trusted by its
//! `Content-Type`), its size in pixels is checked before it is decoded, it is decoded under
//! memory limits, turned upright by its EXIF orientation and re-encoded **without any
//! metadata** into a display size and a thumbnail. Only those re-encoded bytes are stored,
//! behind `object_store`'s one interface: `$data_dir/media` by default, an S3-compatible bucket
//! when several instances serve the portal.

use std::{io::Cursor, sync::Arc};

use actix_web::web::Bytes;
use anyhow::Context;
use chrono::Utc;
use futures_util::StreamExt;
use image::{
    DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits, RgbImage,
    codecs::jpeg::JpegEncoder, metadata::Orientation,
};
use object_store::{
    ObjectStore, PutPayload, aws::AmazonS3Builder, local::LocalFileSystem, path::Path,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait,
    QueryFilter,
};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::{
    config::Config,
    entities::{client, media},
    error::ApiError,
};

/// Longest side of the display size.
pub const DISPLAY_SIZE: u32 = 1600;
/// Longest side of the thumbnail.
pub const THUMBNAIL_SIZE: u32 = 320;
/// Memory one decoded photo may take (a 48 MP phone photo is 144 MB): a decompression bomb,
/// or a photo with 16-bit channels and alpha, is refused before it is decoded.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// The longest side the decoder accepts at all.
const MAX_SIDE: u32 = 16_384;
/// Photos decoded at the same time (each can take `MAX_DECODE_BYTES`).
const PARALLEL_DECODES: usize = 2;
/// Uploads being received or decoded at the same time; more are told to try again shortly,
/// so waiting bodies cannot pile up in memory.
const PARALLEL_UPLOADS: usize = 8;

/// The two sizes stored of every photo, and the one file of a document (a PDF attachment).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Size {
    /// At most 1600 px on its longest side.
    Display,
    /// At most 320 px on its longest side.
    Thumbnail,
    /// A document as it was sent (PDF attachments).
    File,
}

impl Size {
    fn name(self) -> &'static str {
        match self {
            Size::Display => "display",
            Size::Thumbnail => "thumbnail",
            Size::File => "file",
        }
    }
}

/// The content type of a PDF document.
pub const PDF: &str = "application/pdf";

/// Whether `bytes` are a PDF document (by its header, not by what the sender says).
pub fn is_pdf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF-")
}

/// The address a photo is served on.
pub fn url(id: Uuid, size: Size) -> String {
    format!("/api/media/{id}/{}", size.name())
}

/// A photo turned upright and re-encoded without metadata.
pub struct Processed {
    pub content_type: &'static str,
    pub display: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why an upload is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a JPEG, PNG or WebP.
    Format,
    /// More pixels than allowed, or more memory to decode than allowed.
    Pixels,
    /// It says it is a photo but cannot be decoded.
    Broken,
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        match refusal {
            Refusal::Format => ApiError::UnsupportedPhoto,
            Refusal::Pixels => ApiError::invalid("file", "too_many_pixels"),
            Refusal::Broken => ApiError::invalid("file", "unreadable"),
        }
    }
}

/// Decodes `bytes` under limits and re-encodes them; CPU-bound, run it off the async threads.
pub fn process(bytes: &[u8], max_pixels: u64) -> Result<Processed, Refusal> {
    let format = image::guess_format(bytes).map_err(|_| Refusal::Format)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(Refusal::Format);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refusal_of)?;
    let (width, height) = decoder.dimensions();
    // `from_decoder` does not hold the main buffer to `max_alloc`: checked here, before any
    // pixel is decoded.
    if u64::from(width) * u64::from(height) > max_pixels
        || decoder.total_bytes() > MAX_DECODE_BYTES
        || width == 0
        || height == 0
    {
        return Err(Refusal::Pixels);
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(refusal_of)?;
    // Made small first (a box filter, no large intermediate buffer), then turned upright
    // (the bounds are square, so turning does not change what fits), then flattened: every
    // photo is stored as a JPEG, transparency on white.
    let mut display = if image.width() > DISPLAY_SIZE || image.height() > DISPLAY_SIZE {
        image.thumbnail(DISPLAY_SIZE, DISPLAY_SIZE)
    } else {
        image
    };
    display.apply_orientation(orientation);
    let display = flattened(&display);
    // `imageops::thumbnail` takes the exact size: keep the shape, never enlarge.
    let (width, height) = display.dimensions();
    let scale = (f64::from(THUMBNAIL_SIZE) / f64::from(width.max(height))).min(1.0);
    let fit = |side: u32| ((f64::from(side) * scale).round() as u32).max(1);
    let thumbnail = image::imageops::thumbnail(&display, fit(width), fit(height));
    let encode = |image: &RgbImage| -> Result<Vec<u8>, Refusal> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 85)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgb8,
            )
            .map_err(|_| Refusal::Broken)?;
        Ok(out)
    };
    Ok(Processed {
        content_type: "image/jpeg",
        display: encode(&display)?,
        thumbnail: encode(&thumbnail)?,
        width: display.width(),
        height: display.height(),
    })
}

/// The photo as 8-bit RGB, anything transparent laid on white.
fn flattened(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |channel: u8| {
            let alpha = u16::from(a);
            u8::try_from((u16::from(channel) * alpha + 255 * (255 - alpha)) / 255).unwrap_or(255)
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

fn refusal_of(error: image::ImageError) -> Refusal {
    match error {
        image::ImageError::Limits(_) => Refusal::Pixels,
        image::ImageError::Unsupported(_) => Refusal::Format,
        _ => Refusal::Broken,
    }
}

/// The ETag of stored bytes: their SHA-256, quoted.
pub fn etag(bytes: &[u8]) -> String {
    format!("\"{:x}\"", Sha256::digest(bytes))
}

/// Where photos are kept, and the limits they are taken under.
#[derive(Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    decodes: Arc<Semaphore>,
    uploads: Arc<Semaphore>,
    pub max_upload_bytes: usize,
    pub max_pixels: u64,
}

/// A place among the uploads being received; dropped when the upload is done.
pub struct UploadSlot(#[allow(dead_code)] tokio::sync::OwnedSemaphorePermit);

impl MediaStore {
    /// The bucket from the configuration, or `$data_dir/media`.
    pub fn from_config(config: &Config) -> anyhow::Result<MediaStore> {
        let store: Arc<dyn ObjectStore> = match config.media_s3_bucket.as_deref() {
            Some(bucket) if !bucket.trim().is_empty() => {
                let mut builder = AmazonS3Builder::from_env()
                    .with_bucket_name(bucket.trim())
                    .with_region(&config.media_s3_region);
                if let Some(endpoint) = &config.media_s3_endpoint {
                    builder = builder
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"))
                        .with_virtual_hosted_style_request(false);
                }
                if let Some(key) = &config.media_s3_access_key_id {
                    builder = builder.with_access_key_id(key);
                }
                if let Some(secret) = &config.media_s3_secret_access_key {
                    builder = builder.with_secret_access_key(secret);
                }
                Arc::new(builder.build().context("media store: S3 settings")?)
            }
            _ => {
                // Keys start with `media/`: the files are in `$data_dir/media/<id>/<size>`.
                let root = &config.data_dir;
                std::fs::create_dir_all(root.join("media"))
                    .with_context(|| format!("cannot create {}", root.display()))?;
                Arc::new(LocalFileSystem::new_with_prefix(root).context("media store")?)
            }
        };
        Ok(MediaStore {
            store,
            decodes: Arc::new(Semaphore::new(PARALLEL_DECODES)),
            uploads: Arc::new(Semaphore::new(PARALLEL_UPLOADS)),
            max_upload_bytes: config.media_max_upload_bytes,
            max_pixels: config.media_max_pixels,
        })
    }

    /// Files are keyed by the photo alone, so they can be written before the row (and the
    /// client it belongs to) is known; a file without a row is swept after an hour.
    fn key(id: Uuid, size: Size) -> Path {
        Path::from(format!("media/{id}/{}", size.name()))
    }

    /// A place to receive an upload in, or 429 when `PARALLEL_UPLOADS` are under way.
    pub fn upload_slot(&self) -> Result<UploadSlot, ApiError> {
        self.uploads
            .clone()
            .try_acquire_owned()
            .map(UploadSlot)
            .map_err(|_| ApiError::RateLimited { retry_after: 5 })
    }

    /// Decodes and re-encodes a photo, at most two at a time. The permit goes with the work:
    /// a request that is dropped mid-way cannot free a place while its decode still runs.
    pub async fn process_with(&self, bytes: Bytes, max_pixels: u64) -> Result<Processed, ApiError> {
        let permit = self
            .decodes
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::Unavailable)?;
        let processed = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            process(&bytes, max_pixels)
        })
        .await
        .context("photo decoding task")??;
        Ok(processed)
    }

    /// `process_with` under the configured pixel limit.
    pub async fn process(&self, bytes: Bytes) -> Result<Processed, ApiError> {
        self.process_with(bytes, self.max_pixels).await
    }

    /// Writes both sizes and returns the row to insert (not yet inserted).
    pub async fn write(
        &self,
        processed: Processed,
        client_id: Uuid,
        uploaded_by: Option<Uuid>,
        purpose: media::Purpose,
    ) -> Result<media::Model, ApiError> {
        let photo = media::Model {
            id: Uuid::new_v4(),
            client_id,
            uploaded_by,
            purpose,
            post_id: None,
            position: 0,
            content_type: processed.content_type.to_owned(),
            width: i32::try_from(processed.width).unwrap_or(i32::MAX),
            height: i32::try_from(processed.height).unwrap_or(i32::MAX),
            display_etag: etag(&processed.display),
            thumbnail_etag: etag(&processed.thumbnail),
            bytes: i64::try_from(processed.display.len() + processed.thumbnail.len())
                .unwrap_or(i64::MAX),
            created_at: Utc::now(),
            message_id: None,
            file_name: None,
        };
        for (size, bytes) in [
            (Size::Display, processed.display),
            (Size::Thumbnail, processed.thumbnail),
        ] {
            self.store
                .put(&Self::key(photo.id, size), PutPayload::from(bytes))
                .await
                .context("media store: write")?;
        }
        Ok(photo)
    }

    /// Writes a document as it is (a PDF attachment: checked by `is_pdf`) and returns the row
    /// to insert (not yet inserted).
    pub async fn write_document(
        &self,
        bytes: Bytes,
        client_id: Uuid,
        uploaded_by: Uuid,
        purpose: media::Purpose,
    ) -> Result<media::Model, ApiError> {
        let document = media::Model {
            id: Uuid::new_v4(),
            client_id,
            uploaded_by: Some(uploaded_by),
            purpose,
            post_id: None,
            position: 0,
            content_type: PDF.to_owned(),
            width: 0,
            height: 0,
            display_etag: etag(&bytes),
            thumbnail_etag: String::new(),
            bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
            created_at: Utc::now(),
            message_id: None,
            file_name: None,
        };
        self.store
            .put(&Self::key(document.id, Size::File), PutPayload::from(bytes))
            .await
            .context("media store: write")?;
        Ok(document)
    }

    /// Stores the file at `local` under `exports/<id>.zip`, uploaded in parts so a large ZIP
    /// is never read into memory whole.
    pub async fn put_export(&self, id: Uuid, local: &std::path::Path) -> Result<(), ApiError> {
        use tokio::io::AsyncWriteExt;
        let mut file = tokio::fs::File::open(local).await.context("export: open")?;
        let mut upload =
            object_store::buffered::BufWriter::new(self.store.clone(), Self::export_key(id));
        tokio::io::copy(&mut file, &mut upload)
            .await
            .context("export: store")?;
        upload.shutdown().await.context("export: store")?;
        Ok(())
    }

    /// The stored export as a stream of chunks.
    pub async fn export_stream(
        &self,
        id: Uuid,
    ) -> Result<
        futures_util::stream::BoxStream<'static, Result<Bytes, object_store::Error>>,
        ApiError,
    > {
        let found = self
            .store
            .get(&Self::export_key(id))
            .await
            .context("export: read")?;
        Ok(found.into_stream())
    }

    /// Removes a stored export (gone already is fine).
    pub async fn remove_export(&self, id: Uuid) -> Result<(), ApiError> {
        match self.store.delete(&Self::export_key(id)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(anyhow::Error::from(error).context("export: remove").into()),
        }
    }

    fn export_key(id: Uuid) -> Path {
        Path::from(format!("exports/{id}.zip"))
    }

    /// The stored bytes of one size.
    pub async fn read(&self, photo: &media::Model, size: Size) -> Result<Bytes, ApiError> {
        let found = self
            .store
            .get(&Self::key(photo.id, size))
            .await
            .context("media store: read")?;
        Ok(found.bytes().await.context("media store: read")?)
    }

    /// Removes the files of photos whose rows are gone (after the deleting transaction
    /// committed). A file that cannot be removed is logged; the sweep tries again.
    pub async fn forget(&self, photos: &[media::Model]) {
        for photo in photos {
            let sizes: &[Size] = if photo.content_type == PDF {
                &[Size::File]
            } else {
                &[Size::Display, Size::Thumbnail]
            };
            for &size in sizes {
                if let Err(error) = self.store.delete(&Self::key(photo.id, size)).await
                    && !matches!(error, object_store::Error::NotFound { .. })
                {
                    tracing::warn!(photo = %photo.id, %error, "media store: delete failed");
                }
            }
        }
    }

    /// Hourly: pinboard uploads never posted and attachments never sent within a day go, and
    /// so do files without a row (a transaction that wrote them and then failed) once they are
    /// an hour old.
    pub async fn sweep(&self, db: &DatabaseConnection) -> Result<usize, ApiError> {
        let abandoned = media::Entity::find()
            .filter(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(media::Column::Purpose.eq(media::Purpose::Pinboard))
                            .add(media::Column::PostId.is_null()),
                    )
                    .add(
                        Condition::all()
                            .add(media::Column::Purpose.eq(media::Purpose::Message))
                            .add(media::Column::MessageId.is_null()),
                    ),
            )
            .filter(media::Column::CreatedAt.lt(Utc::now() - chrono::Duration::days(1)))
            .all(db)
            .await?;
        let mut removed = 0;
        for photo in abandoned {
            // Only while still unposted: a post may claim it at this very moment.
            let gone = media::Entity::delete_many()
                .filter(media::Column::Id.eq(photo.id))
                .filter(media::Column::PostId.is_null())
                .filter(media::Column::MessageId.is_null())
                .exec(db)
                .await?;
            if gone.rows_affected == 1 {
                self.forget(std::slice::from_ref(&photo)).await;
                removed += 1;
            }
        }
        let cutoff = Utc::now() - chrono::Duration::hours(1);
        let mut listed = self.store.list(Some(&Path::from("media")));
        let mut old_files = Vec::new();
        while let Some(item) = listed.next().await {
            let item = item.context("media store: list")?;
            if item.last_modified < cutoff {
                old_files.push(item.location);
            }
        }
        for location in old_files {
            let id = location
                .parts()
                .nth(1)
                .and_then(|part| part.as_ref().parse::<Uuid>().ok());
            let Some(id) = id else { continue };
            if media::Entity::find_by_id(id).one(db).await?.is_none() {
                if let Err(error) = self.store.delete(&location).await {
                    tracing::warn!(%location, %error, "media store: sweep failed");
                } else {
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }
}

/// Reads a request body of at most `limit` bytes; a larger one is a 413 as soon as it goes
/// over, before the rest is read.
pub async fn read_body(
    mut payload: actix_web::web::Payload,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let mut body = actix_web::web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|error| ApiError::Malformed(error.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    if body.is_empty() {
        return Err(ApiError::invalid("file", "required"));
    }
    Ok(body.freeze())
}

/// Client photos from the ECD are smaller than phone photos: a tighter pixel limit.
pub const CLIENT_PHOTO_PIXELS: u64 = 16_000_000;

/// A client photo as an integration request sent it.
pub struct SentPhoto {
    /// The operation's place in the request.
    pub index: usize,
    /// The client's id in the ECD.
    pub external_id: String,
    /// The decoded base64, or the `photo` field code it is refused with.
    pub bytes: Result<Vec<u8>, &'static str>,
}

/// What became of one client photo of an integration request.
pub enum PreparedPhoto {
    /// The same photo as stored: nothing to do.
    Unchanged,
    /// Decoded and written; the row is inserted in the request's transaction.
    New(media::Model),
    /// Refused with this `photo` field code.
    Refused(&'static str),
}

/// The client photos of an integration request, decoded and written **before** its
/// transaction (decoding under SQLite's write lock would stall every other write), and the
/// replaced photos whose files go once it committed.
#[derive(Default)]
pub struct ClientPhotos {
    store: Option<MediaStore>,
    /// By the operation's place in the request.
    ready: std::collections::HashMap<usize, PreparedPhoto>,
    current: Option<PreparedPhoto>,
    /// Rows deleted in the transaction; their files go after the commit.
    pub replaced: Vec<media::Model>,
}

impl ClientPhotos {
    /// Decodes the photos `sent`. The demo sends no photos and needs no store.
    pub async fn prepare(
        db: &DatabaseConnection,
        store: &MediaStore,
        organisation_id: Uuid,
        sent: Vec<SentPhoto>,
    ) -> Result<ClientPhotos, ApiError> {
        let mut ready = std::collections::HashMap::new();
        for SentPhoto {
            index,
            external_id,
            bytes,
        } in sent
        {
            let bytes = match bytes {
                Ok(bytes) => bytes,
                Err(code) => {
                    ready.insert(index, PreparedPhoto::Refused(code));
                    continue;
                }
            };
            let current = client::Entity::find()
                .filter(client::Column::OrganisationId.eq(organisation_id))
                .filter(client::Column::ExternalId.eq(external_id.clone()))
                .one(db)
                .await?;
            let prepared = match store
                .process_with(Bytes::from(bytes), CLIENT_PHOTO_PIXELS)
                .await
            {
                Ok(processed) => {
                    let stored = match current.and_then(|found| found.photo_media_id) {
                        Some(id) => media::Entity::find_by_id(id).one(db).await?,
                        None => None,
                    };
                    // Re-encoding is deterministic: the same photo sent again is no change.
                    if stored.is_some_and(|stored| stored.display_etag == etag(&processed.display))
                    {
                        PreparedPhoto::Unchanged
                    } else {
                        PreparedPhoto::New(
                            store
                                .write(processed, Uuid::nil(), None, media::Purpose::ClientPhoto)
                                .await?,
                        )
                    }
                }
                Err(ApiError::UnsupportedPhoto) => PreparedPhoto::Refused("unsupported_format"),
                Err(ApiError::Validation(errors)) => PreparedPhoto::Refused(
                    if errors.iter().any(|error| error.code == "too_many_pixels") {
                        "too_many_pixels"
                    } else {
                        "unreadable"
                    },
                ),
                Err(other) => return Err(other),
            };
            ready.insert(index, prepared);
        }
        Ok(ClientPhotos {
            store: Some(store.clone()),
            ready,
            current: None,
            replaced: Vec::new(),
        })
    }

    /// Makes the photo of operation `index` the one the next `take` gives.
    pub fn select(&mut self, index: usize) {
        self.current = self.ready.remove(&index);
    }

    /// The prepared photo of the operation being applied.
    pub fn take(&mut self) -> Result<PreparedPhoto, ApiError> {
        self.current
            .take()
            .ok_or_else(|| anyhow::anyhow!("a client photo was not prepared").into())
    }

    /// After the commit: the replaced photos' files go.
    pub async fn done(self) {
        if let Some(store) = &self.store {
            store.forget(&self.replaced).await;
        }
    }
}

/// Moves client photos kept as `data:` URLs in the `clients` row (before the media store) into
/// the store, re-encoded without metadata. Runs at start; does nothing once they are moved. A
/// photo that cannot be decoded is dropped, with a warning.
pub async fn adopt_legacy_photos(
    db: &DatabaseConnection,
    store: &MediaStore,
) -> Result<usize, ApiError> {
    let legacy = client::Entity::find()
        .filter(client::Column::PhotoUrl.is_not_null())
        .all(db)
        .await?;
    let mut moved = 0;
    for found in legacy {
        use base64::Engine;
        let decoded = found
            .photo_url
            .as_deref()
            .and_then(|url| url.split_once(";base64,"))
            .and_then(|(_, data)| {
                base64::engine::general_purpose::STANDARD
                    .decode(data.trim())
                    .ok()
            });
        let processed = match decoded {
            Some(bytes) => store
                .process_with(Bytes::from(bytes), CLIENT_PHOTO_PIXELS)
                .await
                .ok(),
            None => None,
        };
        if processed.is_none() {
            tracing::warn!(client = %found.id, "a stored client photo could not be read; dropped");
        }
        let new_photo = match processed {
            Some(processed) => Some(
                store
                    .write(processed, found.id, None, media::Purpose::ClientPhoto)
                    .await?,
            ),
            None => None,
        };
        if let Some(photo) = &new_photo {
            let active: media::ActiveModel = photo.clone().into();
            active.insert(db).await?;
        }
        let old = found.photo_media_id;
        let mut active: client::ActiveModel = found.into();
        active.photo_url = Set(None);
        if let Some(photo) = &new_photo {
            active.photo_media_id = Set(Some(photo.id));
        }
        active.update(db).await?;
        if new_photo.is_some()
            && let Some(old) = old
            && let Some(old) = media::Entity::find_by_id(old).one(db).await?
        {
            media::Entity::delete_by_id(old.id).exec(db).await?;
            store.forget(&[old]).await;
        }
        moved += 1;
    }
    Ok(moved)
}
