; MESH Desktop's additions to electron-builder's NSIS installer (electron-builder.yml, nsis.include).
;
; /ADDTOPATH puts the command line's folder, <install folder>\bin (which holds
; mesh-desktop.cmd and no .exe), on PATH: the machine's PATH for a per-machine
; install (/S /allusers /ADDTOPATH), the account's own for a per-user one. Off
; unless asked for. The uninstaller takes the entry out again, and only that.
!include FileFunc.nsh
!include WordFunc.nsh

!define MESH_MACHINE_ENV 'HKLM "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"'
!define MESH_USER_ENV 'HKCU "Environment"'

!macro meshTellWindowsThePathChanged
  ; Running programs (Explorer, new consoles) read PATH again when told.
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
!macroend

!macro customInstall
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ADDTOPATH" $R1
  ${IfNot} ${Errors}
    ${If} $installMode == "all"
      ReadRegStr $R2 ${MESH_MACHINE_ENV} "Path"
    ${Else}
      ReadRegStr $R2 ${MESH_USER_ENV} "Path"
    ${EndIf}
    ; Already there (a reinstall): leave PATH as it is.
    ${WordFind} "$R2" "$INSTDIR\bin" "E+1{" $R3
    ${If} ${Errors}
      ${If} $R2 == ""
        StrCpy $R2 "$INSTDIR\bin"
      ${Else}
        StrCpy $R2 "$R2;$INSTDIR\bin"
      ${EndIf}
      ${If} $installMode == "all"
        WriteRegExpandStr ${MESH_MACHINE_ENV} "Path" "$R2"
      ${Else}
        WriteRegExpandStr ${MESH_USER_ENV} "Path" "$R2"
      ${EndIf}
      WriteRegDWORD SHCTX "${INSTALL_REGISTRY_KEY}" "AddedToPath" 1
      !insertmacro meshTellWindowsThePathChanged
    ${EndIf}
  ${EndIf}
!macroend

!macro customUnInstall
  ReadRegDWORD $R1 SHCTX "${INSTALL_REGISTRY_KEY}" "AddedToPath"
  ${If} $R1 == 1
    ${If} $installMode == "all"
      ReadRegStr $R2 ${MESH_MACHINE_ENV} "Path"
    ${Else}
      ReadRegStr $R2 ${MESH_USER_ENV} "Path"
    ${EndIf}
    ${WordReplace} "$R2" ";$INSTDIR\bin" "" "+" $R2
    ${WordReplace} "$R2" "$INSTDIR\bin;" "" "+" $R2
    ${WordReplace} "$R2" "$INSTDIR\bin" "" "+" $R2
    ${If} $installMode == "all"
      WriteRegExpandStr ${MESH_MACHINE_ENV} "Path" "$R2"
    ${Else}
      WriteRegExpandStr ${MESH_USER_ENV} "Path" "$R2"
    ${EndIf}
    DeleteRegValue SHCTX "${INSTALL_REGISTRY_KEY}" "AddedToPath"
    !insertmacro meshTellWindowsThePathChanged
  ${EndIf}
!macroend
