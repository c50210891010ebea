// The name of a camera as people say it: "Canon EOS R6", not "Canon Canon EOS R6" (EXIF Make + Model).

/** Make and model joined, without the maker twice when the model already starts with it (many cameras write it so). */
export function cameraName(make: string | null | undefined, model: string | null | undefined): string | null {
  const maker = make?.trim() ?? '';
  const name = model?.trim() ?? '';
  if (!name) return maker || null;
  if (!maker) return name;
  // "NIKON CORPORATION" + "NIKON D750": the model's first word is the maker's first word.
  const brand = maker.split(/\s+/)[0]!.toLowerCase();
  return name.toLowerCase().startsWith(brand) ? name : `${maker} ${name}`;
}
