import { createTheme } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "indigo",
  // Shade 8 keeps white text on filled buttons (indigo, red) above 4.5:1 (WCAG AA).
  primaryShade: 8,
  defaultRadius: "md",
  fontFamily: "Inter, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  fontFamilyMonospace: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
  headings: { fontWeight: "650" },
  components: {
    Badge: { defaultProps: { radius: "sm", variant: "light" } },
    Modal: {
      defaultProps: { radius: "lg", centered: true, overlayProps: { backgroundOpacity: 0.45, blur: 2 }, closeButtonProps: { "aria-label": "Close" } },
    },
    Paper: { defaultProps: { radius: "lg" } },
  },
});
