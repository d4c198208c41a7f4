package dicom

// sopClassNames names common storage SOP classes (PS3.4 Annex B and PS3.6
// Annex A).
var sopClassNames = map[string]string{
	"1.2.840.10008.5.1.4.1.1.1":      "Computed Radiography Image Storage",
	"1.2.840.10008.5.1.4.1.1.1.1":    "Digital X-Ray Image Storage - For Presentation",
	"1.2.840.10008.5.1.4.1.1.1.1.1":  "Digital X-Ray Image Storage - For Processing",
	"1.2.840.10008.5.1.4.1.1.1.2":    "Digital Mammography X-Ray Image Storage - For Presentation",
	"1.2.840.10008.5.1.4.1.1.1.2.1":  "Digital Mammography X-Ray Image Storage - For Processing",
	"1.2.840.10008.5.1.4.1.1.1.3":    "Digital Intra-Oral X-Ray Image Storage - For Presentation",
	"1.2.840.10008.5.1.4.1.1.2":      "CT Image Storage",
	"1.2.840.10008.5.1.4.1.1.2.1":    "Enhanced CT Image Storage",
	"1.2.840.10008.5.1.4.1.1.3.1":    "Ultrasound Multi-frame Image Storage",
	"1.2.840.10008.5.1.4.1.1.4":      "MR Image Storage",
	"1.2.840.10008.5.1.4.1.1.4.1":    "Enhanced MR Image Storage",
	"1.2.840.10008.5.1.4.1.1.6.1":    "Ultrasound Image Storage",
	"1.2.840.10008.5.1.4.1.1.7":      "Secondary Capture Image Storage",
	"1.2.840.10008.5.1.4.1.1.7.1":    "Multi-frame Single Bit Secondary Capture Image Storage",
	"1.2.840.10008.5.1.4.1.1.7.2":    "Multi-frame Grayscale Byte Secondary Capture Image Storage",
	"1.2.840.10008.5.1.4.1.1.7.3":    "Multi-frame Grayscale Word Secondary Capture Image Storage",
	"1.2.840.10008.5.1.4.1.1.7.4":    "Multi-frame True Color Secondary Capture Image Storage",
	"1.2.840.10008.5.1.4.1.1.9.1.1":  "12-lead ECG Waveform Storage",
	"1.2.840.10008.5.1.4.1.1.11.1":   "Grayscale Softcopy Presentation State Storage",
	"1.2.840.10008.5.1.4.1.1.12.1":   "X-Ray Angiographic Image Storage",
	"1.2.840.10008.5.1.4.1.1.12.2":   "X-Ray Radiofluoroscopic Image Storage",
	"1.2.840.10008.5.1.4.1.1.13.1.3": "Breast Tomosynthesis Image Storage",
	"1.2.840.10008.5.1.4.1.1.20":     "Nuclear Medicine Image Storage",
	"1.2.840.10008.5.1.4.1.1.66":     "Raw Data Storage",
	"1.2.840.10008.5.1.4.1.1.66.4":   "Segmentation Storage",
	"1.2.840.10008.5.1.4.1.1.77.1.4": "VL Photographic Image Storage",
	"1.2.840.10008.5.1.4.1.1.77.1.6": "VL Whole Slide Microscopy Image Storage",
	"1.2.840.10008.5.1.4.1.1.88.11":  "Basic Text SR Storage",
	"1.2.840.10008.5.1.4.1.1.88.22":  "Enhanced SR Storage",
	"1.2.840.10008.5.1.4.1.1.88.33":  "Comprehensive SR Storage",
	"1.2.840.10008.5.1.4.1.1.88.59":  "Key Object Selection Document Storage",
	"1.2.840.10008.5.1.4.1.1.104.1":  "Encapsulated PDF Storage",
	"1.2.840.10008.5.1.4.1.1.104.2":  "Encapsulated CDA Storage",
	"1.2.840.10008.5.1.4.1.1.128":    "Positron Emission Tomography Image Storage",
	"1.2.840.10008.5.1.4.1.1.130":    "Enhanced PET Image Storage",
	"1.2.840.10008.5.1.4.1.1.481.1":  "RT Image Storage",
	"1.2.840.10008.5.1.4.1.1.481.2":  "RT Dose Storage",
	"1.2.840.10008.5.1.4.1.1.481.3":  "RT Structure Set Storage",
	"1.2.840.10008.5.1.4.1.1.481.5":  "RT Plan Storage",
}

// SOPClassName returns the name of a common storage SOP class, for example
// "CT Image Storage" for 1.2.840.10008.5.1.4.1.1.2, or "" if uid is not in
// the package's small table. Trailing NUL and space padding is ignored.
func SOPClassName(uid string) string {
	for len(uid) > 0 && (uid[len(uid)-1] == 0 || uid[len(uid)-1] == ' ') {
		uid = uid[:len(uid)-1]
	}
	return sopClassNames[uid]
}
